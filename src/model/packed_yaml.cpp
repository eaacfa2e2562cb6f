// PackedYaml's encoding: one type byte per node ('~' null, 's' plain scalar, 'q' quoted scalar,
// 't' scalar with an explicit tag, 'L' sequence, 'M' map), counts and lengths as "<decimal>:".
#include "model/packed_yaml.h"

#include <cstdlib>

namespace nm::model {

namespace {

void putSize(std::string& out, size_t n) {
  out += std::to_string(n);
  out += ':';
}

void putText(std::string& out, const std::string& s) {
  putSize(out, s.size());
  out += s;
}

void pack(std::string& out, const YAML::Node& n) {
  if (!n || n.IsNull()) {
    out += '~';
    return;
  }
  if (n.IsScalar()) {
    const std::string& tag = n.Tag();
    if (tag == "?" || tag.empty()) {
      out += 's';
    } else if (tag == "!") {
      out += 'q';
    } else {
      out += 't';
      putText(out, tag);
    }
    putText(out, n.Scalar());
    return;
  }
  if (n.IsSequence()) {
    out += 'L';
    putSize(out, n.size());
    for (const auto& x : n) pack(out, x);
    return;
  }
  out += 'M';
  putSize(out, n.size());
  for (const auto& kv : n) {
    pack(out, kv.first);
    pack(out, kv.second);
  }
}

struct Unpacker {
  const std::string& in;
  size_t pos = 0;

  size_t size() {
    const size_t colon = in.find(':', pos);
    const size_t n = std::strtoull(in.c_str() + pos, nullptr, 10);
    pos = colon + 1;
    return n;
  }
  std::string text() {
    const size_t n = size();
    std::string s = in.substr(pos, n);
    pos += n;
    return s;
  }
  YAML::Node node() {
    const char type = in[pos++];
    switch (type) {
      case '~':
        return YAML::Node(YAML::NodeType::Null);
      case 's':
      case 'q':
      case 't': {
        std::string tag = type == 't' ? text() : std::string(type == 'q' ? "!" : "?");
        YAML::Node n(text());
        n.SetTag(tag);
        return n;
      }
      case 'L': {
        YAML::Node n(YAML::NodeType::Sequence);
        for (size_t i = size(); i > 0; --i) n.push_back(node());
        return n;
      }
      default: {  // 'M'
        YAML::Node n(YAML::NodeType::Map);
        for (size_t i = size(); i > 0; --i) {
          YAML::Node k = node();
          n.force_insert(k, node());
        }
        return n;
      }
    }
  }
};

}  // namespace

PackedYaml::PackedYaml(const YAML::Node& node) {
  if (!node || node.IsNull()) return;
  std::string packed;
  pack(packed, node);
  packed.shrink_to_fit();
  bytes_ = std::make_shared<const std::string>(std::move(packed));
}

const std::string& PackedYaml::bytes() const {
  static const std::string kEmpty;
  return bytes_ ? *bytes_ : kEmpty;
}

YAML::Node PackedYaml::node() const {
  if (empty()) return YAML::Node();
  Unpacker u{*bytes_};
  return u.node();
}

}  // namespace nm::model
