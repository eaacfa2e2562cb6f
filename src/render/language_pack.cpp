// Language pack parsing (yaml-cpp) and the built-in English and zh-cn dictionaries; zh-cn holds
// the translations of the reference's published zh-cn pack, so that the same words come out.
#include "render/language_pack.h"

#include <yaml-cpp/yaml.h>

namespace nm::render {

namespace {

LanguagePacks makeBuiltin() {
  LanguagePacks p;
  std::string err;
  const bool ok = p.merge(R"(
- name: English
  dictionary:
    firing: FIRING
    resolved: RESOLVED
- name: zh-cn
  dictionary:
    alert: 告警
    alertname: 告警名称
    alerts: 告警
    alerttype: 告警类型
    cluster: 集群
    container: 容器
    daemonset: 守护进程集
    deployment: 部署
    firing: 触发中
    group: 用户组
    host_ip: 主机IP
    instance: 实例
    job: 任务
    name: 名称
    namespace: 项目
    node: 节点
    owner_kind: 目标类型
    pod: 容器组
    requestreceivedtimestamp: 请求接收时间
    resolved: 已解决
    resource: 资源
    role: 角色
    rule_group: 规则组
    rule_id: 告警规则
    rule_level: 规则级别
    service: 服务
    severity: 告警级别
    statefulset: 有状态副本集
    user: 用户
    verb: 操作
    workload: 工作负载
)",
                          err);
  (void)ok;  // the built-in text is valid; a unit test asserts it
  return p;
}

}  // namespace

std::string toLowerAscii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

const LanguagePacks& LanguagePacks::builtin() {
  static const LanguagePacks p = makeBuiltin();
  return p;
}

bool LanguagePacks::merge(std::string_view yaml, std::string& err) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    err = std::string("invalid YAML: ") + e.what();
    return false;
  }
  if (!root || root.IsNull()) return true;
  if (!root.IsSequence()) {
    err = "expected a list of language packs (- name: ..., dictionary: {...})";
    return false;
  }
  std::map<std::string, Dictionary, std::less<>> add;
  for (size_t i = 0; i < root.size(); ++i) {
    const YAML::Node item = root[i];
    const std::string at = "[" + std::to_string(i) + "]";
    if (!item.IsMap()) {
      err = at + ": expected a map with name and dictionary";
      return false;
    }
    for (const auto& kv : item) {
      const std::string k = kv.first.as<std::string>("");
      if (k != "name" && k != "dictionary") {
        err = at + "." + k + ": unknown field";
        return false;
      }
    }
    const YAML::Node name = item["name"];
    if (!name || !name.IsScalar() || name.Scalar().empty()) {
      err = at + ".name: required string";
      return false;
    }
    const YAML::Node dict = item["dictionary"];
    if (dict && !dict.IsNull() && !dict.IsMap()) {
      err = at + ".dictionary: expected a map of strings";
      return false;
    }
    Dictionary& d = add[toLowerAscii(name.Scalar())];
    if (dict && dict.IsMap()) {
      for (const auto& kv : dict) {
        if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
          err = at + ".dictionary." + kv.first.as<std::string>("?") + ": expected a string";
          return false;
        }
        d[toLowerAscii(kv.first.Scalar())] = kv.second.Scalar();
      }
    }
  }
  for (auto& [name, d] : add) {
    Dictionary& into = packs_[name];
    for (auto& [k, v] : d) into[k] = std::move(v);
  }
  return true;
}

void LanguagePacks::addMissing(const LanguagePacks& fallback) {
  for (const auto& [name, d] : fallback.packs_) packs_.try_emplace(name, d);
}

const Dictionary* LanguagePacks::find(std::string_view language) const {
  auto it = packs_.find(toLowerAscii(language));
  return it == packs_.end() ? nullptr : &it->second;
}

std::string_view translate(const Dictionary* dict, std::string_view key) {
  if (dict) {
    auto it = dict->find(toLowerAscii(key));
    if (it != dict->end()) return it->second;
  }
  return key;
}

}  // namespace nm::render
