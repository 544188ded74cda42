// xenc: run, quantize, fine-tune and export ONNX cross-encoders.
// Exit codes: 0 success, 1 data or model error, 2 usage error.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "graph/error.h"
#include "ops/fast/blas_core.h"
#include "tools/xenc/commands.h"

int main(int argc, char** argv) {
  // OpenBLAS reads OPENBLAS_CORETYPE only while it loads (ops/fast/blas_core.h):
  // start again with it set when it chose kernels older than the CPU. If the
  // restart fails, this process goes on with the slower kernels.
  if (const auto core = xenc::better_blas_core()) {
    setenv("OPENBLAS_CORETYPE", core->c_str(), 1);
    execv("/proc/self/exe", argv);
  }
  CLI::App app{"xenc: run, score and inspect ONNX cross-encoders on CPUs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "xenc 0.1.0");
  xenc::cli::add_inspect_command(app);
  xenc::cli::add_run_command(app);
  xenc::cli::add_conformance_command(app);
  xenc::cli::add_tokenize_command(app);
  xenc::cli::add_score_command(app);
  xenc::cli::add_rank_command(app);
  xenc::cli::add_eval_command(app);
  xenc::cli::add_bench_command(app);
  xenc::cli::add_export_command(app);
  xenc::cli::add_quantize_command(app);
  xenc::cli::add_train_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const xenc::Error& e) {
    std::cerr << "xenc: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "xenc: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
