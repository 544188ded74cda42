// Scores sentence pairs and reranks documents for a query with xenc.
// Usage: rerank MODEL_DIR
#include <xenc/cross_encoder.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: rerank MODEL_DIR\n";
    return 2;
  }
  try {
    const xenc::CrossEncoder model(argv[1]);

    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"A man with a hard hat is dancing.", "A man wearing a hard hat is dancing."},
        {"A woman is playing the flute.", "A man is playing a flute."},
    };
    const xenc::Scores scores = model.predict(pairs);
    for (size_t i = 0; i < scores.size(); ++i)
      std::cout << "score " << scores(i) << "\t" << pairs[i].first << " / " << pairs[i].second << "\n";

    const std::vector<std::string> docs = {"A man is playing guitar.", "A child is riding a horse.",
                                           "A woman is slicing an onion."};
    for (const xenc::RankedDocument& d : model.rank("A man is playing a guitar.", docs, 2))
      std::cout << "rank " << d.score << "\t" << docs[d.index] << "\n";
  } catch (const std::exception& e) {
    std::cerr << "rerank: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
