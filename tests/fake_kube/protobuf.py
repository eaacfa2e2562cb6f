# Decoding of the protobuf bodies kubectl's typed commands send (`kubectl create namespace|secret|
# configmap`): the k8s envelope, ObjectMeta and the few core kinds the fake stores.
import base64

MAGIC = b"k8s\x00"


def fields(buf):
    """(field number, value) pairs of one message: varints as int, length-delimited as bytes."""
    i, out = 0, []
    while i < len(buf):
        key, i = varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = varint(buf, i)
        elif wire == 2:
            n, i = varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wire == 1:
            v, i = buf[i:i + 8], i + 8
        elif wire == 5:
            v, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        out.append((num, v))
    return out


def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def string_map(entries, as_base64=False):
    out = {}
    for raw in entries:
        kv = dict(fields(raw))
        v = kv.get(2, b"")
        out[kv.get(1, b"").decode()] = base64.b64encode(v).decode() if as_base64 else v.decode()
    return out


def object_meta(buf):
    meta, labels, annotations, finalizers = {}, [], [], []
    for num, v in fields(buf):
        if num in (1, 2, 3, 6) and v:
            meta[{1: "name", 2: "generateName", 3: "namespace", 6: "resourceVersion"}[num]] = \
                v.decode()
        elif num == 11:
            labels.append(v)
        elif num == 12:
            annotations.append(v)
        elif num == 14:
            finalizers.append(v.decode())
    if labels:
        meta["labels"] = string_map(labels)
    if annotations:
        meta["annotations"] = string_map(annotations)
    if finalizers:
        meta["finalizers"] = finalizers
    return meta


def decode(body):
    """A JSON-shaped object from a protobuf request body (Namespace, Secret or ConfigMap)."""
    if not body.startswith(MAGIC):
        raise ValueError("not a Kubernetes protobuf envelope")
    env = dict(fields(body[len(MAGIC):]))
    tm = dict(fields(env.get(1, b"")))
    kind = tm.get(2, b"").decode()
    obj = {"apiVersion": tm.get(1, b"").decode(), "kind": kind}
    maps = {}
    for num, v in fields(env.get(2, b"")):
        if num == 1:
            obj["metadata"] = object_meta(v)
        else:
            maps.setdefault(num, []).append(v)
    if kind == "ConfigMap":
        if 2 in maps:
            obj["data"] = string_map(maps[2])
        if 3 in maps:
            obj["binaryData"] = string_map(maps[3], as_base64=True)
    elif kind == "Secret":
        if 2 in maps:
            obj["data"] = string_map(maps[2], as_base64=True)
        if 3 in maps and maps[3][0]:
            obj["type"] = maps[3][0].decode()
        if 4 in maps:
            obj["stringData"] = string_map(maps[4])
    elif kind != "Namespace":
        raise ValueError(f"protobuf bodies of kind {kind!r} are not supported by this fake")
    return obj
