/* cmd_extract.c — `tamis extract`: HTML (WARC responses, .html files) -> main text + metadata */
#include "cli.h"

static const char *const stages[] = {"extract", NULL};

static const cli_flag flags[] = {
    {"--text-format", "extract", "format", 1, "text (default) or markdown"},
    {"--markdown", "extract", "markdown", 0, "same as --text-format markdown"},
    {"--links", "extract", "links", 0, "markdown: keep links as [text](url)"},
    {"--comments", "extract", "comments", 0, "keep reader-comment sections"},
    {"--min-chars", "extract", "min_chars", 1, "fall back to every good paragraph below N chars"},
    {"--max-depth", "extract", "max_depth", 1, "flatten elements nested deeper than N"},
    {"--time-budget-ms", "extract", "time_budget_ms", 1, "parse time budget per page"},
    {0},
};

const cli_command cli_cmd_extract = {
    .name = "extract",
    .summary = "HTML (WARC responses, .html files) -> main text + metadata",
    .description =
        "Finds the article or main content of each HTML record (WARC response, .html file, "
        "JSONL with HTML) and writes its text, as plain text or Markdown, with title, authors, "
        "dates, site, categories, tags, description, canonical URL, language hint and image. "
        "Pages without content are dropped (extract_empty), binary bodies labelled HTML too "
        "(extract_binary); oversized or over-deep pages are cut and flagged in signals.",
    .stages = stages,
    .flags = flags,
};
