// Base64 decoding (standard alphabet, padding required, whitespace tolerated): Secret `data`
// values and kubeconfig `*-data` fields, one implementation for the model and the kube client.
#pragma once

#include <optional>
#include <string>

namespace nm {

// nullopt when `in` is not valid base64.
std::optional<std::string> decodeBase64(const std::string& in);

}  // namespace nm
