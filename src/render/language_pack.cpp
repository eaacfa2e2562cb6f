// Language pack parsing (yaml-cpp) and the built-in English and zh-cn dictionaries; the zh-cn
// wording is this project's own.
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
    alerts: 条告警
    firing: 触发中
    resolved: 已恢复
    for: 分组
    alertname: 告警名称
    alerttype: 告警类型
    alerttime: 告警时间
    severity: 告警级别
    cluster: 集群
    namespace: 项目
    workspace: 企业空间
    node: 节点
    pod: 容器组
    container: 容器
    deployment: 部署
    statefulset: 有状态副本集
    daemonset: 守护进程集
    job: 任务
    service: 服务
    instance: 实例
    host_ip: 主机地址
    rule_group: 规则组
    rule_level: 规则级别
    receiver: 接收者
    message: 消息
    summary: 摘要
    description: 描述
    runbook_url: 处理手册
    runbook: 处理手册
    startsat: 开始时间
    endsat: 结束时间
    status: 状态
    critical: 危险
    error: 重要
    warning: 警告
    info: 提示
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
