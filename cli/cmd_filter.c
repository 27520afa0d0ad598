/* cmd_filter.c — `tamis filter`: quality signals and Gopher/C4/FineWeb/language filters */
#include "cli.h"

static const char *const stages[] = {"filter", NULL};

/* The most used thresholds get flags; every other one is `--set filter.KEY=VALUE` or a
 * [filter] section of a config file (`tamis config --default --stage filter`). */
static const cli_flag flags[] = {
    {"--languages", "filter", "languages", 1,
     "comma-separated ISO 639 codes to keep (needs metadata.lang: run `tamis lang` first)"},
    {"--min-lang-score", "filter", "lang_min_score", 1,
     "drop documents whose language score is this or lower (default 0.65)"},
    {"--min-words", "filter", "gopher_min_words", 1, "Gopher's minimum word count (default 50)"},
    {"--gopher", "filter", "gopher_quality", 1, "true|false: Gopher quality rules (default true)"},
    {"--repetition", "filter", "gopher_repetition", 1,
     "true|false: Gopher repetition rules (default true)"},
    {"--c4", "filter", "c4", 1, "true|false: C4 rules (default true)"},
    {"--fineweb", "filter", "fineweb", 1, "true|false: FineWeb rules (default true)"},
    {"--remove-lines", "filter", "c4_remove_lines", 0,
     "remove the lines C4's line rules reject from kept documents (counted in removed_lines)"},
    {"--lang-overrides", "filter", "lang_overrides", 1,
     "per-language thresholds, LANG.KEY=VALUE;... (replaces the defaults; docs/filters.md)"},
    {0},
};

const cli_command cli_cmd_filter = {
    .name = "filter",
    .summary = "quality signals and Gopher/C4/FineWeb/language filters",
    .description =
        "Computes the quality signals of every document (\"signals\" in the output, "
        "docs/signals.md) and applies datatrove's GopherQualityFilter, "
        "GopherRepetitionFilter, C4QualityFilter and FineWebQualityFilter rules with their "
        "published defaults, plus a language filter when the document has metadata.lang. "
        "A dropped document carries every failing rule as \"rule: value op threshold\" in "
        "\"reasons\"; --keep-dropped or --dropped FILE writes them. Every threshold is a "
        "parameter (docs/filters.md).",
    .stages = stages,
    .flags = flags,
};
