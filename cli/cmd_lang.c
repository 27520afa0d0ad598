/* cmd_lang.c — `tamis lang`: language identification (CLD2 + fastText ensemble) */
#include "cli.h"

static const char *const stages[] = {"lang", NULL};

static const cli_flag flags[] = {
    {"--backend", "lang", "backend", 1,
     "ensemble (default, most accurate), cld2 (fastest) or fasttext (FineWeb/CCNet scores)"},
    {"--model", "lang", "model", 1, "fastText model file (default <data>/models/lid.176.ftz)"},
    {"--sample-bytes", "lang", "sample_bytes", 1,
     "identify long texts from 4 windows totalling N bytes (default 8192)"},
    {"--paragraphs", "lang", "paragraphs", 1,
     "true|false: label paragraphs, list them when they disagree (default true)"},
    {"--best-effort", "lang", "best_effort", 1,
     "true|false: CLD2 answers on short text instead of 'unknown' (default true)"},
    {0},
};

const cli_command cli_cmd_lang = {
    .name = "lang",
    .summary = "language identification (CLD2 + fastText ensemble)",
    .description =
        "Sets metadata.lang (ISO 639-1, else 639-3; \"und\" when the text has no letters) and "
        "metadata.lang_score (0..1), metadata.lang_top (top 3 as \"code:score\"), "
        "metadata.script (ISO 15924 code of the dominant script), and, for documents whose "
        "paragraphs are in different languages, metadata.lang_paragraphs "
        "(\"start-end:code:score\", byte offsets in the text). Signals: lang_script_share, "
        "lang_mixed_fraction. See docs/lang.md.",
    .stages = stages,
    .flags = flags,
};
