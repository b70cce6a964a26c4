"""Differential TL peer: Telethon 1.45.0 builds randomised instances of every
constructor and function that it shares (same id) with the vendored layer-230 schema.

Usage: python telethon_tl.py SCHEMA_DIR OUT_FILE [SEED]

The shared set is computed here, independently of the Rust code: the ids of
Telethon's `tlobjects` intersected with the ids parsed from the vendored .tl files.
For each shared id it writes, with a fixed seed, instances with every optional flag
set, with none set, and with random ones. Each line of OUT_FILE is JSON:

    {"id": ID, "name": TL_NAME, "hex": BYTES, "canon": CANONICAL}

where BYTES is what Telethon serialises and CANONICAL is the positional canonical
form (see tl-types/src/canonical.rs) of the object Telethon reads back from those
bytes. The first line is a header with the shared count and the ids found on only
one side.
"""

import datetime
import inspect
import json
import random
import re
import struct
import sys
import zlib

from telethon.extensions import BinaryReader
from telethon.tl.alltlobjects import LAYER, tlobjects
from telethon.tl.tlobject import TLObject, TLRequest

BUILTIN = {"boolFalse", "boolTrue", "true", "vector"}
DEF_RE = re.compile(r"^([\w.]+)(?:#([0-9a-f]+))?\s+(.*?)\s*=\s*([^;]+);")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class Param:
    def __init__(self, text):
        self.name, ty = text.split(":", 1)
        self.is_flags = ty == "#"
        self.flag = None
        if "?" in ty:
            cond, ty = ty.split("?", 1)
            word, bit = cond.split(".")
            self.flag = (word, int(bit))
        self.type = ty


class Def:
    def __init__(self, name, cid, params, result, is_function):
        self.name = name
        self.id = cid
        self.generics = [p[1:-1].split(":")[0] for p in params if p.startswith("{")]
        self.params = [Param(p) for p in params if not p.startswith("{")]
        self.result = result
        self.is_function = is_function


def infer_id(name, params, result):
    """The TL spec's CRC32 of the normalised definition, for lines without an id."""
    text = f"{name} {params} = {result} ".replace(":bytes ", ":string ").replace("?bytes ", "?string ")
    text = text.replace("<", " ").replace(">", "").replace("{", "").replace("}", "")
    text = re.sub(r" \w+:[\w]+\.\d+\?true", "", " " + text)
    return zlib.crc32(" ".join(text.split()).encode())


def parse_schema(path):
    defs = []
    is_function = False
    for line in open(path, encoding="utf-8"):
        line = line.split("//", 1)[0].strip()
        if line == "---functions---":
            is_function = True
            continue
        if line == "---types---":
            is_function = False
            continue
        m = DEF_RE.match(line)
        if not m:
            continue
        name, cid, params, result = m.groups()
        if not is_function and name in BUILTIN:
            continue
        if "[" in params or "?" == params.strip():
            continue  # core-type lines (`int ? = Int;`, `int128 4*[ int ] = Int128;`)
        if cid is None:
            cid = infer_id(name, params, result)
        else:
            cid = int(cid, 16)
        defs.append(Def(name, cid, params.split(), result.strip(), is_function))
    return defs


class Gen:
    def __init__(self, defs, shared, seed):
        self.rng = random.Random(seed)
        self.by_id = {d.id: d for d in defs}
        self.by_name = {d.name: d for d in defs if not d.is_function}
        self.ctors = {}
        for d in defs:
            if not d.is_function and d.id in shared:
                self.ctors.setdefault(d.result, []).append(d)
        self.shared = shared
        self.names_cache = {}
        self.annotations_cache = {}
        self.simple_requests = [
            d for d in defs
            if d.is_function and d.id in shared and not d.generics and self.cost(d) == 0
        ]

    def cost(self, d):
        return sum(
            1 for p in d.params
            if not p.is_flags and p.flag is None and p.type[:1].isupper() and p.type != "Bool"
        )

    def annotations(self, d):
        if d.id not in self.annotations_cache:
            params = inspect.signature(tlobjects[d.id].__init__).parameters
            self.annotations_cache[d.id] = {k: v.annotation for k, v in params.items()}
        return self.annotations_cache[d.id]

    def kwargs_names(self, d):
        cached = self.names_cache.get(d.id)
        if cached is not None:
            return cached
        cls = tlobjects[d.id]
        params = list(inspect.signature(cls.__init__).parameters)[1:]  # without `self`
        out = {}
        for p in d.params:
            if p.is_flags:
                continue
            for cand in (p.name, "is_" + p.name, p.name + "_"):
                if cand in params:
                    out[p.name] = cand
                    break
            else:
                if p.type == "true":
                    # `flags.N?true` fields do not enter the id, so layer 230 may add
                    # some to a constructor Telethon knows with the same id: Telethon
                    # cannot set them, and they read back as unset.
                    continue
                raise KeyError(f"{d.name}: no Telethon argument for {p.name}")
        self.names_cache[d.id] = out
        return out

    def buildable(self, ty, seen=()):
        """Whether a value of `ty` can be made from shared constructors only."""
        m = re.match(r"^[Vv]ector<(.+)>$", ty)
        if m:
            return self.buildable(m.group(1), seen)
        if ty[:1].islower() or ty in ("Bool", "X") or ty.startswith("!"):
            return True
        if ty in seen:
            return False
        options = self.ctors.get(ty.lstrip("%"), [])
        return any(
            all(self.buildable(p.type, seen + (ty,)) for p in c.params if not p.is_flags and p.flag is None)
            for c in options
        )

    def build(self, d, depth, flags_mode=None):
        names = self.kwargs_names(d)
        groups = {}
        for p in d.params:
            if p.flag is not None and p.flag not in groups:
                if flags_mode is None:
                    on = self.rng.random() < 0.5
                else:
                    on = flags_mode
                groups[p.flag] = on and depth < 5
        for p in d.params:
            # A group holding a field no shared constructor can fill stays unset.
            if p.flag is not None and p.type != "true" and not self.buildable(p.type):
                groups[p.flag] = False
        kwargs = {}
        for p in d.params:
            if p.is_flags:
                continue
            if p.name not in names:
                continue
            if p.flag is not None:
                on = groups[p.flag]
                if p.type == "true":
                    kwargs[names[p.name]] = on
                    continue
                if not on:
                    kwargs[names[p.name]] = None
                    continue
            str_field = self.annotations(d).get(names[p.name]) is str
            kwargs[names[p.name]] = self.value(p.type, depth + 1, d, str_field)
        return tlobjects[d.id](**kwargs)

    def value(self, ty, depth, owner, str_field=False):
        r = self.rng
        if ty.startswith("!") or ty in owner.generics:
            return self.build(r.choice(self.simple_requests), depth)
        if ty == "int":
            return r.choice([1, -1, 2**31 - 1, -(2**31)]) if r.random() < 0.1 else r.randint(1, 2**31 - 1)
        if ty == "long":
            return r.randint(-(2**63), 2**63 - 1)
        if ty == "double":
            return r.uniform(-1e6, 1e6)
        if ty == "int128":
            return r.randint(-(2**127), 2**127 - 1)
        if ty == "int256":
            return r.randint(-(2**255), 2**255 - 1)
        if ty == "Bool":
            return r.random() < 0.5
        if ty == "string":
            return r.choice(["", "a", "Привет", "🦀 crab", "admin", "x" * 300, "quote \" back \\ slash", "tab\tnl\n"])
        if ty == "bytes" and str_field:
            # Telethon's own schema says `string` here (same encoding): give it text.
            return r.choice(["", "a", "rule", "Привет"])
        if ty == "bytes":
            return bytes(r.getrandbits(8) for _ in range(r.choice([0, 1, 3, 4, 253, 254, 255, 600])))
        m = re.match(r"^([Vv]ector)<(.+)>$", ty)
        if m:
            count = 0 if depth > 5 else r.randint(0, 3)
            return [self.value(m.group(2), depth + 1, owner) for _ in range(count)]
        if ty.startswith("%"):
            return self.build(self.ctors[ty[1:]][0], depth)
        if ty.split(".")[-1][:1].islower():
            return self.build(self.by_name[ty], depth)
        options = self.ctors.get(ty)
        if not options:
            raise KeyError(f"no shared constructor of {ty}")
        if depth > 4:
            pick = min(options, key=lambda d: (self.cost(d), len(d.params)))
        else:
            pick = r.choice(options)
        return self.build(pick, depth)


def canon_value(v, ty, defs):
    if v is None:
        return None
    if isinstance(v, TLObject):
        return canon_obj(v, defs)
    if ty == "true" or ty == "Bool":
        return bool(v)
    if ty == "double":
        return struct.pack("<d", v).hex()
    if ty == "int128":
        return v.to_bytes(16, "little", signed=True).hex()
    if ty == "int256":
        return v.to_bytes(32, "little", signed=True).hex()
    if isinstance(v, datetime.datetime):
        return int((v - EPOCH).total_seconds())
    if ty == "bytes" and isinstance(v, str):
        return v.encode("utf-8").hex()
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex()
    if isinstance(v, list):
        inner = re.match(r"^[Vv]ector<(.+)>$", ty)
        return [canon_value(x, inner.group(1) if inner else "", defs) for x in v]
    return v


def canon_obj(obj, defs):
    d = defs[obj.CONSTRUCTOR_ID]
    fields = []
    for p in d.params:
        if p.is_flags:
            continue
        name = None
        for cand in (p.name, "is_" + p.name, p.name + "_"):
            if cand in obj.__dict__:
                name = cand
                break
        v = getattr(obj, name) if name else None
        if p.type == "true":
            fields.append(bool(v))
        else:
            fields.append(canon_value(v, p.type, defs))
    return {"_": obj.CONSTRUCTOR_ID, "f": fields}


def main():
    schema_dir, out_path = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 230
    defs = parse_schema(f"{schema_dir}/mtproto.tl") + parse_schema(f"{schema_dir}/api.tl")
    by_id = {d.id: d for d in defs}
    ours = set(by_id)
    theirs = set(tlobjects)
    shared = ours & theirs
    gen = Gen(defs, shared, seed)
    failed = {}
    lines = []
    for cid in sorted(shared):
        d = by_id[cid]
        for mode in (True, False, None, None):
            # A few tries: Telethon packs some `int` arguments unsigned (e.g. the `id`
            # of channels.getMessageAuthor), so a negative draw can be refused.
            for attempt in range(8):
                try:
                    obj = gen.build(d, 0, mode)
                    data = bytes(obj)
                    back = BinaryReader(data).tgread_object()
                    canon = canon_obj(back, by_id)
                    failed.pop(cid, None)
                    break
                except Exception as e:  # reported, and counted as unchecked by the Rust side
                    failed[cid] = f"{d.name}: {type(e).__name__}: {e}"
            if cid in failed:
                break
            lines.append(json.dumps({"id": cid, "name": d.name, "hex": data.hex(), "canon": canon}, ensure_ascii=False))
    header = {
        "telethon_layer": LAYER,
        "shared": len(shared),
        "shared_ids": sorted(shared),
        "only_telethon": sorted(f"{i:08x} {tlobjects[i].__name__}" for i in theirs - ours),
        "only_vendored": sorted(f"{i:08x} {by_id[i].name}" for i in ours - theirs),
        "failed": failed,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(header, ensure_ascii=False) + "\n")
        for line in lines:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
