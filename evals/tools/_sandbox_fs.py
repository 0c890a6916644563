"""File-system helper that runs INSIDE the sandbox (``python3 -I -c <this file> OP ARGS``).

It is shipped as text on every call rather than installed in the image, so any image with a
python3 (3.8+) works. It does the parts that must not pull whole files or trees over the
docker connection (line selection, binary sniffing, tree walks, mtime checks) and answers one
JSON object on stdout. It imports nothing from the project: keep it standalone, stdlib only.

Operations (argv after OP):
  read PATH OFFSET LIMIT MAX_LINE MAX_CHARS MAX_BYTES  selected lines of a text file
  load PATH                                             whole text of a file, for editing
  write PATH EXPECT                                     stdin -> PATH; EXPECT is "new" (must not
                                                        exist), "unread" (may not overwrite),
                                                        "any", or an mtime_ns (must not be newer)
  glob BASE PATTERN LIMIT                               files matching PATTERN, newest first
  ls PATH LIMIT IGNORE_JSON                             breadth-first listing, hidden names skipped
"""

import fnmatch
import glob as globlib
import json
import os
import stat
import sys

SNIFF_BYTES = 8192


def emit(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=True))


def kind_of(path):
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None, None
    except NotADirectoryError:
        return None, None
    if stat.S_ISDIR(st.st_mode):
        return "dir", st
    if stat.S_ISREG(st.st_mode):
        return "file", st
    return "other", st


def is_binary(head):
    return b"\x00" in head


def op_read(path, offset, limit, max_line, max_chars, max_bytes):
    kind, st = kind_of(path)
    if kind is None:
        return {"error": "not_found"}
    if kind != "file":
        return {"error": "is_dir" if kind == "dir" else "not_regular"}
    if max_bytes and st.st_size > max_bytes:
        return {"error": "too_big", "size": st.st_size}
    selected, chars, total, over = [], 0, 0, False
    with open(path, "rb") as f:
        if is_binary(f.read(SNIFF_BYTES)):
            return {"error": "binary", "size": st.st_size}
        f.seek(0)
        for total, raw in enumerate(f, 1):
            if offset <= total < offset + limit and not over:
                line = raw.decode("utf-8", "replace").rstrip("\n").rstrip("\r")
                line = line[:max_line]
                chars += len(line) + 8
                if chars > max_chars:
                    over = True
                    selected = []
                else:
                    selected.append(line)
            elif over and offset <= total < offset + limit:
                chars += min(len(raw), max_line) + 8
    if over:
        return {"error": "too_long", "chars": chars}
    return {"mtime": st.st_mtime_ns, "size": st.st_size, "total": total, "lines": selected}


def op_load(path):
    kind, st = kind_of(path)
    if kind is None:
        return {"exists": False}
    if kind != "file":
        return {"exists": True, "error": "is_dir" if kind == "dir" else "not_regular"}
    with open(path, "rb") as f:
        data = f.read()
    if is_binary(data[:SNIFF_BYTES]):
        return {"exists": True, "error": "binary"}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {"exists": True, "error": "not_utf8"}
    return {"exists": True, "mtime": st.st_mtime_ns, "text": text}


def op_write(path, expect):
    kind, st = kind_of(path)
    if kind == "dir":
        return {"error": "is_dir"}
    if kind == "other":
        return {"error": "not_regular"}
    exists = kind == "file"
    if exists and expect == "new":
        return {"error": "exists"}
    if exists and expect == "unread":
        return {"error": "not_read"}
    if exists and expect not in ("new", "unread", "any") and st.st_mtime_ns > int(expect):
        return {"error": "modified"}
    data = sys.stdin.buffer.read()
    parent = os.path.dirname(path)
    try:
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    except NotADirectoryError:
        return {"error": "parent_not_dir"}
    except PermissionError:
        return {"error": "permission"}
    return {"created": not exists, "mtime": os.stat(path).st_mtime_ns, "bytes": len(data)}


def op_glob(base, pattern, limit):
    kind, _ = kind_of(base)
    if kind is None:
        return {"error": "not_found"}
    if kind != "dir":
        return {"error": "not_dir"}
    if os.path.isabs(pattern):
        found = globlib.glob(pattern, recursive=True)
    else:
        found = [os.path.join(base, p) for p in globlib.glob(pattern, root_dir=base, recursive=True)] \
            if sys.version_info >= (3, 10) else globlib.glob(os.path.join(base, pattern), recursive=True)
    skip_git = ".git" not in pattern
    files = []
    for p in found:
        p = os.path.normpath(p)
        if skip_git and "/.git/" in p + "/":
            continue
        try:
            st = os.stat(p)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            files.append((st.st_mtime_ns, p))
    files.sort(key=lambda t: (-t[0], t[1]))
    return {"total": len(files), "files": [p for _, p in files[:limit]]}


def ignored(name, rel, patterns):
    return any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(rel, g) for g in patterns)


def op_ls(path, limit, patterns):
    kind, _ = kind_of(path)
    if kind is None:
        return {"error": "not_found"}
    if kind != "dir":
        return {"error": "not_dir"}
    entries, queue, truncated = [], [""], False
    while queue and not truncated:
        rel_dir = queue.pop(0)
        try:
            with os.scandir(os.path.join(path, rel_dir)) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for e in children:
            if e.name.startswith(".") or e.name == "__pycache__":
                continue
            rel = os.path.join(rel_dir, e.name) if rel_dir else e.name
            if ignored(e.name, rel, patterns):
                continue
            if len(entries) >= limit:
                truncated = True
                break
            is_dir = e.is_dir(follow_symlinks=False)
            entries.append(rel + "/" if is_dir else rel)
            if is_dir:
                queue.append(rel)
    return {"entries": entries, "truncated": truncated}


def main(argv):
    op, args = argv[0], argv[1:]
    if op == "read":
        path, offset, limit, max_line, max_chars, max_bytes = args
        return op_read(path, int(offset), int(limit), int(max_line), int(max_chars), int(max_bytes))
    if op == "load":
        return op_load(args[0])
    if op == "write":
        return op_write(args[0], args[1])
    if op == "glob":
        return op_glob(args[0], args[1], int(args[2]))
    if op == "ls":
        return op_ls(args[0], int(args[1]), json.loads(args[2]))
    return {"error": "unknown_op"}


if __name__ == "__main__":
    try:
        emit(main(sys.argv[1:]))
    except PermissionError as ex:
        emit({"error": "permission", "detail": str(ex)})
    except OSError as ex:
        emit({"error": "os", "detail": str(ex)})
