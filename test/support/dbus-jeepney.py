"""The D-Bus marshalling of jeepney (python3-jeepney, secretstorage's D-Bus library), as a second implementation
for tests: reads JSON [{"signature", "hex", "value"}] on stdin; for each, parses "hex" (bytes written by tfmfa)
and serialises "value"; prints [{"parsed", "hex"}]. Values in JSON: arrays and structs are lists, dict entries
[key, value] pairs, byte arrays {"bytes": hex}, variants {"signature", "value"}."""
import json
import sys

from jeepney.low_level import Endianness, parse_signature


def split(sig):
    out, i = [], 0
    while i < len(sig):
        j = end(sig, i)
        out.append(sig[i:j])
        i = j
    return out


def end(sig, i):
    c = sig[i]
    if c == "a":
        return end(sig, i + 1)
    if c in "({":
        close = ")" if c == "(" else "}"
        i += 1
        while sig[i] != close:
            i = end(sig, i)
        return i + 1
    return i + 1


def to_jeepney(sig, value):
    c = sig[0]
    if sig == "ay":
        return bytes.fromhex(value["bytes"])
    if c == "a" and sig[1] == "{":
        k, v = split(sig[2:-1])
        return {to_jeepney(k, a): to_jeepney(v, b) for a, b in value}
    if c == "a":
        return [to_jeepney(sig[1:], item) for item in value]
    if c == "(":
        return tuple(to_jeepney(s, item) for s, item in zip(split(sig[1:-1]), value))
    if c == "v":
        return (value["signature"], to_jeepney(value["signature"], value["value"]))
    return value


def to_json(sig, value):
    c = sig[0]
    if sig == "ay":
        return {"bytes": value.hex()}
    if c == "a" and sig[1] == "{":
        k, v = split(sig[2:-1])
        return [[to_json(k, a), to_json(v, b)] for a, b in value.items()]
    if c == "a":
        return [to_json(sig[1:], item) for item in value]
    if c == "(":
        return [to_json(s, item) for s, item in zip(split(sig[1:-1]), value)]
    if c == "v":
        return {"signature": value[0], "value": to_json(value[0], value[1])}
    return value


results = []
for case in json.load(sys.stdin):
    kind = parse_signature(list(case["signature"]))
    parsed, _ = kind.parse_data(bytes.fromhex(case["hex"]), 0, Endianness.little)
    written = kind.serialise(to_jeepney(case["signature"], case["value"]), 0, Endianness.little)
    results.append({"parsed": to_json(case["signature"], parsed), "hex": written.hex()})
print(json.dumps(results))
