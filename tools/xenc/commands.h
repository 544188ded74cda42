// Each subcommand of the xenc CLI registers itself on the root app.
#pragma once

#include <CLI/CLI.hpp>

namespace xenc::cli {

void add_inspect_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_conformance_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_rank_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_quantize_command(CLI::App& app);
void add_train_command(CLI::App& app);

}  // namespace xenc::cli
