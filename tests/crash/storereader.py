"""Reads a Syncscope store through its own database's client, never through Syncscope.

The crash harness's checker trusts nothing Syncscope says about its stores: SQLite files are
read with Python's sqlite3 module, MariaDB with the `mariadb` client, PostgreSQL with `psql`,
Redis with `redis-cli`, Hive with hive-driver (npm, through hivereader.js) and MongoDB with the
official Node.js driver (npm, through mongoreader.js). Each reader returns the store's oplog writes as
(origin, seq, student, course, grade-or-None, ts) tuples in log order, its grade table as
{(student, course): (grade-or-None, ts, origin, seq)} (Redis: None, its rows are packed), and
the set of its logged GETs as (ts, student, course).
"""

import json
import os
import sqlite3
import subprocess
import time
import urllib.parse

WRITE_OPS = ("SET", "DELETE", "SEED")


def _rows(text):
    return [line.split("\t") for line in text.splitlines() if line]


def _null(v):
    return None if v in ("\\N", "NULL", "") else v


def read_sqlite(path):
    if not os.path.exists(path):
        return [], {}, set()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'oplog'").fetchone():
            return [], {}, set()
        gets = {(int(t), s, c) for s, c, t in db.execute(
            "SELECT student_id, course_id, ts FROM oplog WHERE op = 'GET'")}
        log = [
            (o, int(q), s, c, g if op != "DELETE" else None, int(t))
            for op, s, c, g, t, o, q in db.execute(
                "SELECT op, student_id, course_id, grade, ts, origin, seq FROM oplog ORDER BY id"
            )
            if op in WRITE_OPS
        ]
        table = {
            (s, c): (g, int(t), o, int(q))
            for s, c, g, t, o, q in db.execute(
                "SELECT student_id, course_id, grade, ts, origin, seq FROM grades"
            )
        }
        return log, table, gets
    finally:
        db.close()


def _server_query(uri, password, sql):
    u = urllib.parse.urlsplit(uri)
    database = u.path.lstrip("/")
    if u.scheme == "mysql":
        cmd = ["mariadb", "-h", u.hostname, "-P", str(u.port), "-u", u.username, "-N", "-B",
               database, "-e", sql]
        env = dict(os.environ, MYSQL_PWD=password)
    else:
        cmd = ["psql", "-h", u.hostname, "-p", str(u.port), "-U", u.username, "-d", database,
               "-At", "-F", "\t", "-P", "null=\\N", "-c", sql]
        env = dict(os.environ, PGPASSWORD=password)
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        # A run killed before it made the schema leaves a store without tables: it holds nothing.
        if "doesn't exist" in out.stderr or "does not exist" in out.stderr:
            return []
        raise RuntimeError(f"{cmd[0]} on {database}: {out.stderr.strip()}")
    return _rows(out.stdout)


def read_server(uri, password):
    log = [
        (o, int(q), s, c, _null(g) if op != "DELETE" else None, int(t))
        for op, s, c, g, t, o, q in _server_query(
            uri, password,
            "SELECT op, student_id, course_id, grade, ts, origin, seq FROM oplog ORDER BY id")
        if op in WRITE_OPS
    ]
    table = {
        (s, c): (_null(g), int(t), o, int(q))
        for s, c, g, t, o, q in _server_query(
            uri, password, "SELECT student_id, course_id, grade, ts, origin, seq FROM grades")
    }
    gets = {(int(t), s, c) for s, c, t in _server_query(
        uri, password, "SELECT student_id, course_id, ts FROM oplog WHERE op = 'GET'")}
    return log, table, gets


def read_redis(uri, password):
    u = urllib.parse.urlsplit(uri)
    prefix = urllib.parse.parse_qs(u.query).get("prefix", ["syncscope"])[0]
    db = u.path.lstrip("/") or "0"
    cmd = ["redis-cli", "-h", u.hostname, "-p", str(u.port), "--user", u.username, "--pass",
           password, "--no-auth-warning", "-n", db, "--raw", "XRANGE", prefix + ":oplog", "-", "+"]
    # A server started again answers LOADING until it has read its data back: wait for it.
    deadline = time.monotonic() + 120
    while True:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120).stdout
        if not out.startswith("LOADING") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if out.startswith(("LOADING", "ERR", "WRONGTYPE", "NOAUTH", "NOPERM")):
        raise RuntimeError(f"redis-cli on {prefix}: {out.strip()[:200]}")
    lines = out.split("\n")
    log, gets, i = [], set(), 0
    # --raw prints each entry as its id, then field and value lines.
    while i < len(lines):
        if not lines[i].startswith("0-"):
            i += 1
            continue
        i += 1
        fields = {}
        while i + 1 < len(lines) and not lines[i].startswith("0-"):
            fields[lines[i]] = lines[i + 1]
            i += 2
        if fields.get("op") == "GET":
            gets.add((int(fields["ts"]), fields["s"], fields["c"]))
        if fields.get("op") in WRITE_OPS:
            log.append((fields["o"], int(fields["q"]), fields["s"], fields["c"],
                        fields.get("v") if fields["op"] != "DELETE" else None, int(fields["ts"])))
    return log, None, gets


def hive_client(what, uri):
    """hivereader.js on the HiveServer2 of a hive2://127.0.0.1:PORT/DATABASE URI."""
    u = urllib.parse.urlsplit(uri)
    reader = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hivereader.js")
    out = subprocess.run(["node", reader, what, str(u.port), u.path.lstrip("/")],
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"hivereader {what} {uri}: {out.stderr.strip()[:300]}")
    return out.stdout


def read_hive(uri):
    read = json.loads(hive_client("read", uri))
    log = [(o, int(q), s, c, g, int(t)) for o, q, s, c, g, t in read["log"]]
    gets = {(int(t), s, c) for t, s, c in read["gets"]}
    # Its grade table is a view over the oplog (the latest write per key): nothing to compare.
    return log, None, gets


def read_mongo(uri):
    reader = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mongoreader.js")
    out = subprocess.run(["node", reader, uri], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"mongoreader {uri}: {out.stderr.strip()[:300]}")
    read = json.loads(out.stdout)
    log = [(o, int(q), s, c, g, int(t)) for o, q, s, c, g, t in read["log"]]
    table = {(s, c): (g, int(t), o, int(q)) for s, c, g, t, o, q in read["table"]}
    gets = {(int(t), s, c) for t, s, c in read["gets"]}
    return log, table, gets


def read_store(uri, password):
    if uri.startswith("mongodb://"):
        return read_mongo(uri)
    if uri.startswith("hive2://"):
        return read_hive(uri)
    if uri.startswith("sqlite://"):
        return read_sqlite(uri[len("sqlite://"):])
    if uri.startswith("redis://"):
        return read_redis(uri, password)
    return read_server(uri, password)
