# Generates deploy/crds/*.yaml, the v2beta2 CustomResourceDefinitions, from the field lists of
# src/model/decode*.cpp and src/notify/channels/*_decode.cpp (run: python3 tools/gen_crds.py).
"""Kubernetes structural schemas cannot share definitions ($ref is not allowed), so Credential,
LabelSelector and friends are written once here and expanded wherever they occur. The output is
committed; tests/integration/test_deploy_manifests.py checks that it is up to date.

Rules followed (see docs of CustomResourceDefinition v1):
- every object lists its properties and is closed (unknown fields are pruned, or refused with
  fieldValidation=Strict), except the free-form parts of the reference: the Deployment fields of
  NotificationManager (resources, affinity, tolerations, env, volumes, volumeMounts) and the
  tenant sidecar's container;
- types, enums, patterns, required fields and bounds are those the daemon's decoders enforce."""

import os
import sys

import yaml

GROUP = "notification.kubesphere.io"
VERSION = "v2beta2"
CHANNEL_TYPES = ["dingtalk", "email", "feishu", "pushover", "sms", "slack", "webhook", "wechat",
                 "discord", "telegram"]
PUSHOVER_SOUNDS = ["pushover", "bike", "bugle", "cashregister", "classical", "cosmic", "falling",
                   "gamelan", "incoming", "intermission", "magic", "mechanical", "pianobar",
                   "siren", "spacealarm", "tugboat", "alien", "climb", "persistent", "echo",
                   "updown", "vibrate", "none"]
# A Go duration (time.ParseDuration), as src/core/time.cpp parseGoDuration accepts it.
DURATION = r"^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$"


def string(desc=None, **kw):
    s = {"type": "string"}
    if desc:
        s["description"] = desc
    s.update(kw)
    return s


def nonempty(desc=None):
    return string(desc, minLength=1)


def integer(desc=None, **kw):
    s = {"type": "integer"}
    if desc:
        s["description"] = desc
    s.update(kw)
    return s


def boolean(desc=None):
    s = {"type": "boolean"}
    if desc:
        s["description"] = desc
    return s


def duration(desc):
    return string(desc + " (a Go duration such as 30s, 1m, 2h45m)", pattern=DURATION)


def strings(desc=None, item=None, **kw):
    s = {"type": "array", "items": item or {"type": "string"}}
    if desc:
        s["description"] = desc
    s.update(kw)
    return s


def string_map(desc=None):
    s = {"type": "object", "additionalProperties": {"type": "string"}}
    if desc:
        s["description"] = desc
    return s


def obj(props, desc=None, required=None, **kw):
    s = {"type": "object"}
    if desc:
        s["description"] = desc
    s["properties"] = props
    if required:
        s["required"] = required
    s.update(kw)
    return s


def free_form(type_, desc):
    """A part the reference leaves free-form (Kubernetes core types we do not restate)."""
    s = {"type": type_, "description": desc}
    if type_ == "array":
        s["items"] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    else:
        s["x-kubernetes-preserve-unknown-fields"] = True
    return s


def one_of(*fields):
    return [{"required": [f]} for f in fields]


def credential(desc):
    return obj({
        "value": string("the credential itself"),
        "valueFrom": obj({
            "secretKeyRef": obj({
                "namespace": string("defaults to the daemon's NAMESPACE "
                                    "(spec.defaultSecretNamespace)"),
                "name": nonempty(),
                "key": nonempty(),
            }, required=["name", "key"]),
        }, required=["secretKeyRef"]),
    }, desc + "; exactly one of value or valueFrom.secretKeyRef", oneOf=one_of("value", "valueFrom"))


def selector(desc):
    return obj({
        "matchLabels": string_map(),
        "matchExpressions": strings(item=obj({
            "key": nonempty(),
            "operator": string("Match tests regexValue (RE2, unanchored) against the label",
                               enum=["In", "NotIn", "Exists", "DoesNotExist", "Match"]),
            "values": strings(),
            "regexValue": string(),
        }, required=["key", "operator"])),
    }, desc)


def configmap_key(desc):
    return obj({
        "namespace": string(),
        "name": nonempty(),
        "key": string("empty: every key of the ConfigMap"),
    }, desc, required=["name"])


def tls_config(desc):
    return obj({
        "rootCA": credential("CA bundle (PEM)"),
        "clientCertificate": obj({
            "cert": credential("client certificate (PEM)"),
            "key": credential("client key (PEM)"),
        }),
        "serverName": string(),
        "insecureSkipVerify": boolean(),
    }, desc)


def tmpl_type(*values):
    return string("message format", enum=list(values))


# --- Receiver -------------------------------------------------------------------------------

def dedup(desc):
    """spec.dedup of the NotificationManager and its per-channel override (decode_dedup.cpp)."""
    return obj({
        "alertArray": boolean("deduplicate alerts posted as a Prometheus alert array"),
        "webhook": boolean("deduplicate alerts posted in an Alertmanager webhook object"),
        "repeatInterval": duration("resend an unchanged firing group after this long"),
        "sendResolved": boolean("notify when alerts that were notified firing resolve"),
    }, desc)


def receiver_block(type_, props, desc, required=None, with_dedup=True, **kw):
    common = {
        "enabled": boolean("default true"),
        "alertSelector": selector("alerts this receiver gets (all when unset)"),
    }
    if with_dedup:
        common["dedup"] = dedup("overrides the NotificationManager's spec.dedup fields it sets")
    if type_ != "discord":
        common[type_ + "ConfigSelector"] = selector("Config objects this receiver may use")
    common["template"] = string("a template name or a raw template")
    common["tmplText"] = configmap_key("a ConfigMap of templates parsed on top of the global ones")
    common.update(props)
    return obj(common, desc, required=required, **kw)


def webhook_receiver(with_dedup=True):
    return receiver_block("webhook", {
        "url": string("http(s) URL the notifications are POSTed to"),
        "service": obj({
            "namespace": nonempty(),
            "name": nonempty(),
            "path": string(),
            "port": integer(minimum=1, maximum=65535),
            "scheme": string("default http", enum=["http", "https"]),
        }, "a Service in the cluster, instead of url", required=["namespace", "name"]),
        "httpConfig": obj({
            "basicAuth": obj({"username": string(), "password": credential("password")}),
            "bearerToken": credential("sent as Authorization: Bearer"),
            "proxyUrl": string(),
            "tlsConfig": tls_config("TLS of the connection"),
        }),
    }, "a webhook; exactly one of url or service", with_dedup=with_dedup,
        oneOf=one_of("url", "service"))


def receiver_spec():
    chatbot_cred = credential("the robot's webhook URL")
    return obj({
        "dingtalk": receiver_block("dingtalk", {
            "titleTemplate": string(),
            "tmplType": tmpl_type("text", "markdown"),
            "conversation": obj({"chatids": strings(minItems=1)}, required=["chatids"]),
            "chatbot": obj({
                "webhook": chatbot_cred,
                "keywords": strings(),
                "secret": credential("signing secret"),
                "atMobiles": strings(),
                "atUsers": strings(),
                "atAll": boolean(),
            }, required=["webhook"]),
        }, "DingTalk; chatbot and/or conversation",
            anyOf=[{"required": ["chatbot"]}, {"required": ["conversation"]}]),
        "discord": receiver_block("discord", {
            "webhook": credential("the Discord webhook URL"),
            "type": string("default content", enum=["content", "embed"]),
            "mentionedUsers": strings("user ids, or everyone",
                                      item=string(pattern="^([0-9]{1,20}|everyone)$"),
                                      maxItems=100),
            "mentionedRoles": strings("role ids", item=string(pattern="^[0-9]{1,20}$"),
                                      maxItems=100),
        }, "Discord", required=["webhook"]),
        "email": receiver_block("email", {
            "to": strings("recipient addresses", minItems=1),
            "subjectTemplate": string(),
            "tmplType": tmpl_type("html", "text"),
        }, "email", required=["to"]),
        "feishu": receiver_block("feishu", {
            "tmplType": tmpl_type("post", "text"),
            "user": strings(maxItems=200),
            "department": strings(maxItems=200),
            "chatbot": obj({
                "webhook": chatbot_cred,
                "keywords": strings(),
                "secret": credential("signing secret"),
            }, required=["webhook"]),
        }, "Feishu; users, departments and/or chatbot",
            anyOf=[{"required": ["user"]}, {"required": ["department"]},
                   {"required": ["chatbot"]}]),
        "pushover": receiver_block("pushover", {
            "titleTemplate": string(),
            "profiles": strings(item=obj({
                "userKey": string(pattern="^[A-Za-z0-9]{30}$"),
                "devices": strings(item=string(pattern="^[A-Za-z0-9_-]{1,25}$")),
                "title": string("deprecated"),
                "sound": string(enum=PUSHOVER_SOUNDS),
            }, required=["userKey"]), minItems=1),
        }, "Pushover", required=["profiles"]),
        "sms": receiver_block("sms", {
            "phoneNumbers": strings(item=string(pattern=r"^(\+)?(\d+)$"), minItems=1),
        }, "SMS", required=["phoneNumbers"]),
        "slack": receiver_block("slack", {
            "channels": strings(item=nonempty()),
            "webhook": credential("an incoming-webhook URL"),
        }, "Slack; channels and/or webhook",
            anyOf=[{"required": ["channels"]}, {"required": ["webhook"]}]),
        "telegram": receiver_block("telegram", {
            "channels": strings("chat ids or @channel names",
                                item=string(pattern="^(-?[0-9]{1,20}|@[A-Za-z0-9_]{1,64})$"),
                                minItems=1),
            "mentionedUsers": strings(item=string(pattern="^@?[A-Za-z0-9_]{1,64}$")),
        }, "Telegram", required=["channels"]),
        "webhook": webhook_receiver(),
        "wechat": receiver_block("wechat", {
            "tmplType": tmpl_type("text", "markdown"),
            "toUser": strings(),
            "toParty": strings(),
            "toTag": strings(),
            "chatbot": obj({
                "webhook": chatbot_cred,
                "atUsers": strings(),
                "atMobiles": strings(),
            }, required=["webhook"]),
        }, "WeCom; toUser, toParty, toTag and/or chatbot",
            anyOf=[{"required": [f]} for f in ["toUser", "toParty", "toTag", "chatbot"]]),
    }, "one block per channel type; each becomes its own receiver")


# --- Config ---------------------------------------------------------------------------------

def config_block(props, desc, required=None):
    p = {"labels": string_map("unused")}
    p.update(props)
    return obj(p, desc, required=required)


def config_spec():
    return obj({
        "dingtalk": config_block({
            "conversation": obj({
                "appkey": credential("app key"),
                "appsecret": credential("app secret"),
            }, required=["appkey", "appsecret"]),
        }, "DingTalk app (conversation) credentials"),
        "email": config_block({
            "from": nonempty("sender address"),
            "smartHost": obj({
                "host": nonempty(),
                "port": integer(minimum=1, maximum=65535),
            }, "SMTP server", required=["host", "port"]),
            "hello": string("HELO/EHLO name"),
            "authUsername": string(),
            "authIdentify": string(),
            "authPassword": credential("PLAIN/LOGIN password"),
            "authSecret": credential("CRAM-MD5 secret"),
            "requireTLS": boolean("STARTTLS required"),
            "tls": tls_config("TLS of the SMTP connection"),
        }, "SMTP", required=["from", "smartHost"]),
        "feishu": config_block({
            "appID": credential("app id"),
            "appSecret": credential("app secret"),
        }, "Feishu app credentials", required=["appID", "appSecret"]),
        "pushover": config_block({"pushoverTokenSecret": credential("application token")},
                                 "Pushover", required=["pushoverTokenSecret"]),
        "slack": config_block({"slackTokenSecret": credential("bot or user token")}, "Slack",
                              required=["slackTokenSecret"]),
        "sms": config_block({
            "defaultProvider": string(enum=["aliyun", "tencent", "huawei", "aws"]),
            "providers": obj({
                "aliyun": obj({
                    "signName": nonempty(),
                    "templateCode": nonempty(),
                    "accessKeyId": credential("access key id"),
                    "accessKeySecret": credential("access key secret"),
                    "endpoint": string(),
                }, required=["signName", "templateCode", "accessKeyId", "accessKeySecret"]),
                "tencent": obj({
                    "sign": nonempty(),
                    "templateID": nonempty(),
                    "smsSdkAppid": nonempty(),
                    "secretId": credential("secret id"),
                    "secretKey": credential("secret key"),
                    "region": string(),
                    "endpoint": string(),
                }, required=["sign", "templateID", "smsSdkAppid", "secretId", "secretKey"]),
                "huawei": obj({
                    "url": string(),
                    "signature": string(),
                    "templateId": nonempty(),
                    "templateParas": string("label or annotation names, comma-separated"),
                    "sender": nonempty(),
                    "appKey": credential("app key"),
                    "appSecret": credential("app secret"),
                    "endpoint": string(),
                }, required=["templateId", "sender", "appKey", "appSecret"]),
                "aws": obj({
                    "region": nonempty(),
                    "accessKeyId": credential("access key id"),
                    "secretAccessKey": credential("secret access key"),
                    "endpoint": string(),
                }, required=["region", "accessKeyId", "secretAccessKey"]),
            }, anyOf=[{"required": [p]} for p in ["aliyun", "tencent", "huawei", "aws"]]),
        }, "SMS providers", required=["providers"]),
        "telegram": config_block({"telegramTokenSecret": credential("bot token")}, "Telegram",
                                 required=["telegramTokenSecret"]),
        "webhook": config_block({}, "takes no settings"),
        "wechat": config_block({
            "wechatApiUrl": string("default https://qyapi.weixin.qq.com/cgi-bin/"),
            "wechatApiCorpId": nonempty(),
            "wechatApiAgentId": nonempty(),
            "wechatApiSecret": credential("app secret"),
        }, "WeCom app", required=["wechatApiCorpId", "wechatApiAgentId", "wechatApiSecret"]),
    }, "one block per channel type")


# --- NotificationManager --------------------------------------------------------------------

def options_block(extra=None):
    p = {"notificationTimeout": integer("seconds"), "template": string()}
    p.update(extra or {})
    return obj(p)


def throttle(desc):
    return obj({
        "threshold": integer(),
        "unit": duration("window"),
        "maxWaitTime": duration("longest wait for a slot"),
    }, desc)


def nm_options():
    api_base = {"apiBaseUrl": string("vendor API base URL (tests, proxies)")}
    return obj({
        "global": obj({
            "templateFile": strings("deprecated"),
            "template": string(),
            "cluster": string("cluster name added to alerts that lack one"),
        }),
        "dingtalk": options_block({
            "titleTemplate": string(),
            "tmplType": tmpl_type("text", "markdown"),
            "tokenExpires": duration("token lifetime"),
            "conversationMessageMaxSize": integer(),
            "chatbotMessageMaxSize": integer(),
            "chatBotThrottle": throttle("per chatbot webhook"),
            "conversationThrottle": throttle("per app"),
            **api_base,
        }),
        "email": options_block({
            "deliveryType": string("deprecated"),
            "maxEmailReceivers": integer(minimum=0),
            "subjectTemplate": string(),
            "tmplType": tmpl_type("html", "text"),
        }),
        "feishu": options_block({
            "tmplType": tmpl_type("post", "text"),
            "tokenExpires": duration("token lifetime"),
            **api_base,
        }),
        "pushover": options_block({"titleTemplate": string(), **api_base}),
        "sms": options_block(),
        "slack": options_block(dict(api_base)),
        "telegram": options_block(dict(api_base)),
        "webhook": options_block(),
        "wechat": options_block({
            "tmplType": tmpl_type("text", "markdown"),
            "messageMaxSize": integer(),
            "tokenExpires": duration("token lifetime"),
        }),
        "discord": options_block(),
    }, "per channel type")


def nm_spec():
    return obj({
        # Deployment fields
        "resources": free_form("object", "container resources (core/v1 ResourceRequirements)"),
        "image": string(),
        "imagePullPolicy": string(enum=["Always", "Never", "IfNotPresent"]),
        "replicas": integer(minimum=1),
        "nodeSelector": string_map(),
        "affinity": free_form("object", "core/v1 Affinity"),
        "tolerations": free_form("array", "core/v1 Tolerations"),
        "serviceAccountName": string(),
        "portName": string(),
        "env": free_form("array", "core/v1 EnvVars"),
        "volumes": free_form("array", "core/v1 Volumes"),
        "volumeMounts": free_form("array", "core/v1 VolumeMounts"),
        "args": strings(),
        "annotations": string_map("copied to the pod"),
        "labels": string_map("copied to the pod"),
        # behaviour
        "defaultConfigSelector": selector("the default Config objects"),
        "defaultSecretNamespace": string(),
        "receivers": obj({
            "tenantKey": string("the label naming a receiver's tenant (default namespace)"),
            "globalReceiverSelector": selector("global receivers (matchLabels)"),
            "tenantReceiverSelector": selector("tenant receivers (matchLabels)"),
            "options": nm_options(),
        }),
        "sidecars": {
            "type": "object",
            "description": "sidecar containers by role; key tenant enables the tenant sidecar",
            "additionalProperties": {
                "type": "object",
                "description": "a core/v1 Container plus type",
                "properties": {"type": string("kubesphere or another implementation")},
                "x-kubernetes-preserve-unknown-fields": True,
            },
        },
        "history": obj({"webhook": webhook_receiver(with_dedup=False)},
                       "where delivery history is posted"),
        "groupLabels": strings(),
        "dedup": dedup("notification log: defaults alertArray true, webhook false, "
                       "repeatInterval 4h, sendResolved true"),
        "batchMaxSize": integer(minimum=1),
        "batchMaxWait": duration("longest wait for a batch to fill"),
        "resolveTimeout": duration("an alert sent without endsAt resolves this long after its "
                                   "last update (default 5m)"),
        "routePolicy": string(enum=["All", "RouterFirst", "RouterOnly"]),
        "template": obj({
            "text": configmap_key("the template ConfigMap"),
            "reloadCycle": duration("template reload period"),
            "languagePack": strings(item=configmap_key("a language pack ConfigMap")),
            "language": string("default English"),
        }),
    })


# --- Router, Silence, InhibitRule ----------------------------------------------------------

def router_spec():
    return obj({
        "enabled": boolean("default true"),
        "alertSelector": selector("alerts this router routes"),
        "receivers": obj({
            "name": strings("receiver names"),
            "regexName": string("RE2, unanchored"),
            "selector": selector("receivers by label"),
            "type": string(enum=CHANNEL_TYPES),
            "channels": strings(item=obj({
                "tenant": nonempty(),
                "type": strings(item=string(enum=CHANNEL_TYPES)),
            }, required=["tenant"])),
        }),
    }, required=["alertSelector"])


def silence_spec():
    return obj({
        "enabled": boolean("default true"),
        "matcher": selector("alerts this silence mutes"),
        "startsAt": string("RFC 3339", format="date-time"),
        "schedule": string("5-field cron"),
        "duration": duration("how long each activation lasts"),
    }, required=["matcher"])


# Prometheus' model.LabelName.IsValid, as src/model/decode_inhibit_rule.cpp checks it.
LABEL_NAME = r"^[a-zA-Z_][a-zA-Z0-9_]*$"


def inhibit_rule_spec():
    return obj({
        "enabled": boolean("default true"),
        "source": selector("alerts that, while firing, mute the targets"),
        "target": selector("alerts muted while a source with the same equal labels fires"),
        "equal": strings("label names whose values source and target share (a missing label "
                         "reads as empty)", item=string(pattern=LABEL_NAME)),
    }, required=["source", "target"])


# --- CRDs -----------------------------------------------------------------------------------

AGE = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
TYPE_LABEL = {"name": "Type", "type": "string", "jsonPath": ".metadata.labels.type",
              "description": "global, tenant or default (label type)"}
KINDS = [
    ("NotificationManager", "notificationmanagers", ["nm"], nm_spec, [
        {"name": "Routing", "type": "string", "jsonPath": ".spec.routePolicy"},
        {"name": "Tenant Key", "type": "string", "jsonPath": ".spec.receivers.tenantKey"},
        AGE]),
    ("Config", "configs", ["nc"], config_spec, [
        TYPE_LABEL,
        {"name": "Tenant", "type": "string", "jsonPath": ".metadata.labels.namespace",
         "description": "label namespace (the default tenantKey)"},
        {"name": "Priority", "type": "string", "jsonPath": ".metadata.labels.priority",
         "priority": 1},
        AGE]),
    ("Receiver", "receivers", ["nr"], receiver_spec, [
        TYPE_LABEL,
        {"name": "Tenant", "type": "string", "jsonPath": ".metadata.labels.namespace",
         "description": "label namespace (the default tenantKey)"},
        {"name": "User", "type": "string", "jsonPath": ".metadata.labels.user", "priority": 1,
         "description": "label user (tenantKey user)"},
        {"name": "Channels", "type": "string", "jsonPath": ".spec",
         "description": "the channel blocks (a JSONPath cannot list only their names)"},
        AGE]),
    ("Router", "routers", [], router_spec, [
        {"name": "Enabled", "type": "boolean", "jsonPath": ".spec.enabled"},
        {"name": "Receivers", "type": "string", "jsonPath": ".spec.receivers.name"},
        AGE]),
    ("Silence", "silences", [], silence_spec, [
        TYPE_LABEL,
        {"name": "Enabled", "type": "boolean", "jsonPath": ".spec.enabled"},
        {"name": "Schedule", "type": "string", "jsonPath": ".spec.schedule"},
        {"name": "Duration", "type": "string", "jsonPath": ".spec.duration"},
        AGE]),
    ("InhibitRule", "inhibitrules", [], inhibit_rule_spec, [
        TYPE_LABEL,
        {"name": "Enabled", "type": "boolean", "jsonPath": ".spec.enabled"},
        {"name": "Equal", "type": "string", "jsonPath": ".spec.equal"},
        AGE]),
]


def crd(kind, plural, short, spec_fn, columns):
    names = {"kind": kind, "listKind": kind + "List", "plural": plural,
             "singular": kind.lower(), "categories": ["notification-manager"]}
    if short:
        names["shortNames"] = short
    schema = obj({
        "apiVersion": string(),
        "kind": string(),
        "metadata": {"type": "object"},
        "spec": spec_fn(),
        "status": {"type": "object", "description": "empty, as the reference's"},
    }, f"{kind} of Notification Manager")
    if kind in ("Router", "Silence", "InhibitRule"):
        schema["required"] = ["spec"]
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{GROUP}"},
        "spec": {
            "group": GROUP,
            "names": names,
            "scope": "Cluster",
            "versions": [{
                "name": VERSION,
                "served": True,
                "storage": True,
                "subresources": {"status": {}},
                "additionalPrinterColumns": columns,
                "schema": {"openAPIV3Schema": schema},
            }],
        },
    }


HEADER = ("# Generated by tools/gen_crds.py from the daemon's decoders; edit the generator, not "
          "this file.\n# CustomResourceDefinition of {kind} ({group}/{version}).\n")


def render():
    """{file name: text} of every CRD and the kustomization."""
    out = {}
    files = []
    for kind, plural, short, spec_fn, columns in KINDS:
        name = f"{GROUP}_{plural}.yaml"
        files.append(name)
        body = yaml.safe_dump(crd(kind, plural, short, spec_fn, columns), sort_keys=False,
                              width=100, allow_unicode=True)
        out[name] = HEADER.format(kind=kind, group=GROUP, version=VERSION) + body
    out["kustomization.yaml"] = (
        "# Generated by tools/gen_crds.py.\n# The six v2beta2 CustomResourceDefinitions.\n"
        + yaml.safe_dump({"apiVersion": "kustomize.config.k8s.io/v1beta1",
                          "kind": "Kustomization", "resources": files}, sort_keys=False))
    return out


def main(argv):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    target = os.path.join(root, "deploy", "crds")
    os.makedirs(target, exist_ok=True)
    for name, text in render().items():
        with open(os.path.join(target, name), "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
