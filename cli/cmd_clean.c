/* cmd_clean.c — `tamis clean`: scraped text -> article text + metadata, boilerplate lines removed */
#include "cli.h"

static const char *const stages[] = {"clean", NULL};

static const cli_flag flags[] = {
    {"--explain", "clean", "explain", 0,
     "text becomes every line prefixed KEEP/DROP and its rule (nothing dropped)"},
    {"--corpus", "clean", "corpus", 0,
     "two passes: lines found in many documents are template boilerplate"},
    {"--corpus-min-docs", "clean", "corpus_min_docs", 1,
     "with --corpus: documents a line must appear in to be dropped (default 3)"},
    {"--corpus-table-mb", "clean", "corpus_table_mb", 1,
     "with --corpus: memory ceiling of the line-hash table in MiB (default 256)"},
    {0},
};

const cli_command cli_cmd_clean = {
    .name = "clean",
    .summary = "scraped text -> article text + metadata, boilerplate lines removed",
    .description =
        "Removes template and navigation lines from extracted text (WET, JSONL, .txt) and "
        "moves title, byline (author, dateline), dates, reading time, site and related links "
        "into metadata. Removed lines are counted by rule under \"removed_lines\"; a document "
        "left without text is dropped with reason clean_empty. See docs/clean.md.",
    .stages = stages,
    .flags = flags,
};
