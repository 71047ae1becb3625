#!/usr/bin/env python3
"""Kills `syncscope-cli run` at random points and checks docs/crash-safety.md with an independent reader.

Each round, for each store kind asked for: a workspace of four stores of that kind, a random
script of SETs, DELETEs, GETs, MERGEs and FULL_SYNCs, the run SIGKILLed at a random moment;
then a small run of new writes, `load --from A` and `follow --from A --until-caught-up` into
the others. After the kill and again at the end, every store is read through its own client
(storereader.py) and must satisfy:
  - no identity (origin, seq) names two different writes, in any store;
  - every write held anywhere is in its origin's own oplog (origin first);
  - every grade table equals the fold of its oplog (greatest write per key);
  - every GET line the killed run printed is in its store's oplog (what is printed never runs
    ahead of durability);
and at the end every write made after the crash is in every target, with its content.
Variants (--variant): `kill` SIGKILLs the run; `server` SIGKILLs the store's server in the middle
of the run and starts it again (scripts/services kill / revive; for Hive the protocol peer, on
its folder and port; not for SQLite); `two` runs two scripts on the workspace at once, unkilled;
`window` runs the script in the desktop program (offscreen), which is SIGKILLed or sent SIGTERM
(it then quits as File > Quit does) mid-run; "cut" counts the rounds whose Run it cut short.
Kinds: sqlite, mariadb, postgresql, redis (the lab servers), hive (tests/peers/hs2peer, started
here, read back with hive-driver), mongo (tests/peers/mongopeer as a replica set, started here,
read back with the MongoDB Node.js driver; it keeps its data in memory, so no `server` variant),
mongo-standalone (the same peer as a lone server: no transactions, the store's write-ahead path).
Exits 1 on the first broken round (its workspace and script are kept), 0 otherwise, and prints
one JSON line per kind with the kills made and the rounds passed.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storereader  # noqa: E402

STORES = ["A", "B", "C", "D"]


def random_script(rng, lines):
    out = []
    for _ in range(lines):
        x = rng.random()
        s = rng.choice(STORES)
        key = f"SID{rng.randrange(1000, 1400)},CSE{rng.randrange(1, 21):03d}"
        if x < 0.55:
            out.append(f"{s}.SET(({key}),{rng.choice('ABCDEF')})")
        elif x < 0.65:
            out.append(f"{s}.DELETE({key})")
        elif x < 0.80:
            out.append(f"{s}.GET({key})")
        elif x < 0.995:
            out.append(f"{s}.MERGE({rng.choice([t for t in STORES if t != s])})")
        else:
            out.append("FULL_SYNC")
    return "\n".join(out) + "\n"


class MongoPeer:
    """tests/peers/mongopeer playing a replica set's primary (the store's transaction path), or,
    standalone, a lone mongod: no transactions, so each batch's oplog entries are written before
    its rows and replayed after a crash."""

    def __init__(self, binary, standalone=False):
        # A transaction a killed run leaves open holds its documents until it expires: 15 s
        # instead of mongod's 60 keeps rounds short, and still outlasts a quick give-up.
        args = [binary] if standalone else [binary, "--replica-set", "rs0",
                                            "--transaction-lifetime-s", "15"]
        self.standalone = standalone
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"mongopeer did not start: {line!r}")
        self.port = int(line.split()[1])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


class HivePeer:
    """tests/peers/hs2peer on a folder of its own (NOSASL): kill() SIGKILLs it, revive() starts it
    again on the same folder and port, as a HiveServer2 restarted on its warehouse."""

    def __init__(self, binary):
        self.binary = binary
        self.folder = tempfile.mkdtemp(prefix="crashtest-hs2peer-")
        self.port = 0
        self.proc = None
        self.start()

    def start(self):
        args = [self.binary, "--folder", self.folder, "--auth", "NOSASL"]
        if self.port:
            args += ["--port", str(self.port)]
        deadline = time.monotonic() + 30
        while True:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         text=True)
            line = self.proc.stdout.readline()
            if line.startswith("PORT "):
                self.port = int(line.split()[1])
                return
            self.proc.wait()
            if time.monotonic() > deadline:  # the old port may linger a moment after a kill
                raise RuntimeError(f"hs2peer did not start: {line!r}")
            time.sleep(0.2)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class Lab:
    """Fresh databases (or Redis prefixes) on the lab servers of scripts/services."""

    def __init__(self, env_file):
        self.env = {}
        # Only the server kinds need a lab: scripts/crashtest starts none for the peers alone.
        if env_file and os.path.exists(env_file):
            for line in open(env_file):
                if line.startswith("export "):
                    k, _, v = line[len("export "):].strip().partition("=")
                    self.env[k] = v
        self.password = self.env.get("SYNCSCOPE_LAB_PASSWORD", "")
        self.counter = 0
        self.hive = None  # a HivePeer while the hive kind runs
        self.mongo = None  # a MongoPeer while the mongo kind runs

    def services(self, *what):
        """scripts/services on the lab the env file describes (kill KIND, revive)."""
        top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        cmd = [os.path.join(top, "scripts", "services"), *what, self.env["SYNCSCOPE_SERVICES"]]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"scripts/services {' '.join(what)} failed ({done.returncode}): "
                               f"{done.stdout[-2000:]}{done.stderr[-2000:]}")

    def fresh(self, kind, tmp):
        self.counter += 1
        name = f"crash{os.getpid()}_{self.counter}"
        if kind == "sqlite":
            return f"sqlite://{tmp}/{name}.db"
        if kind in ("mongo", "mongo-standalone"):
            rs = "" if self.mongo.standalone else "?replicaSet=rs0"
            return f"mongodb://127.0.0.1:{self.mongo.port}/{name}{rs}"
        if kind == "hive":
            uri = f"hive2://127.0.0.1:{self.hive.port}/{name}?auth=NOSASL"
            storereader.hive_client("create", uri)
            return uri
        base = {"mariadb": "SYNCSCOPE_MARIADB_URI", "postgresql": "SYNCSCOPE_POSTGRES_URI",
                "redis": "SYNCSCOPE_REDIS_URI"}[kind]
        if base not in self.env:
            raise SystemExit(f"crashtest: {kind} needs the lab servers (scripts/services start)")
        uri = self.env[base]
        if kind == "redis":
            return f"{uri}?prefix={name}"
        storereader._server_query(uri, self.password, f"CREATE DATABASE {name}")
        u = urllib.parse.urlsplit(uri)
        return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, "", ""))


def tail(f):
    f.flush()
    f.seek(0)
    return f.read()[-400:]


def cli(args, env, timeout=600):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)


def check(uris, password, where, folded=True):
    """The invariants of docs/crash-safety.md over every store; returns (problems, logs, tables).
    folded=False leaves out "every table is the fold of its oplog": a store without atomic batches
    (MongoDB standalone) writes a batch's oplog entries before its rows, and a kill between the
    two leaves the rows to the replay at its next open, checked after recovery."""
    logs, tables, gets, problems = {}, {}, {}, []
    for name, uri in uris.items():
        logs[name], tables[name], gets[name] = storereader.read_store(uri, password)
    identity = {}
    for name, log in logs.items():
        for o, q, s, c, g, t in log:
            content = (s, c, g, t)
            seen = identity.setdefault((o, q), (content, name))
            if seen[0] != content and o != "CSV":
                problems.append(f"{where}: {o}:{q} names two writes: {seen[0]} in {seen[1]}, "
                                f"{content} in {name}")
    for name, log in logs.items():
        own = {(o, q) for o, q, *_ in logs.get(name, [])}
        for other, olog in logs.items():
            if other == name:
                continue
            for o, q, s, c, g, t in olog:
                if o == name and (o, q) not in own:
                    problems.append(f"{where}: {other} holds {o}:{q} ({s},{c}) that {name}'s "
                                    "oplog lacks")
    for name, log in logs.items():
        table = tables[name]
        if table is None or not folded:
            continue
        fold = {}
        for o, q, s, c, g, t in log:
            cur = fold.get((s, c))
            if cur is None or (t, o, q) > (cur[1], cur[2], cur[3]):
                fold[(s, c)] = (g, t, o, q)
        if fold != table:
            diff = [k for k in set(fold) | set(table) if fold.get(k) != table.get(k)][:3]
            problems.append(f"{where}: {name}'s table differs from its oplog's fold at "
                            + ", ".join(f"{k}: log {fold.get(k)} table {table.get(k)}"
                                        for k in diff))
    return problems[:20], logs, gets


def one_round(args, kind, lab, rng, tmp, counts):
    uris = {s: lab.fresh(kind, tmp) for s in STORES}
    ws = os.path.join(tmp, "ws.json")
    with open(ws, "w") as f:
        json.dump({"stores": [{"name": s, "uri": u} for s, u in uris.items()]}, f)
    env = dict(os.environ)
    for s in STORES:
        env[f"SYNCSCOPE_PASSWORD_{s}"] = lab.password
    scripts = []
    # The window runs a script about as fast as the CLI but starts slower: a longer script keeps
    # it busy until the kill.
    scale = 8 if args.variant == "window" else 1
    for i in range(2 if args.variant == "two" else 1):
        scripts.append(os.path.join(tmp, f"run{i}.in"))
        with open(scripts[-1], "w") as f:
            f.write(random_script(rng, scale * rng.randrange(args.min_lines, args.max_lines)))
    # Each run's stdout and stderr are kept beside its script: a broken round keeps them.
    outs = [open(sc + ".out", "w") for sc in scripts]
    errs = [open(sc + ".err", "w+") for sc in scripts]
    if args.variant == "window":
        # The window (offscreen, settings in the round's folder) opens the workspace and steps
        # through the whole script, as Script > Run does.
        lines = sum(1 for _ in open(scripts[0]))
        wenv = dict(env, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=os.path.join(tmp, "config"),
                    XDG_DATA_HOME=os.path.join(tmp, "data"),
                    XDG_CACHE_HOME=os.path.join(tmp, "cache"))
        procs = [subprocess.Popen([args.gui, "--workspace", ws, "--script", scripts[0],
                                   "--steps", str(lines)], env=wenv, stdout=outs[0],
                                  stderr=errs[0])]
    else:
        procs = [subprocess.Popen([args.cli, "run", sc, "--workspace", ws], env=env,
                                  stdout=out, stderr=err)
                 for sc, out, err in zip(scripts, outs, errs)]
    proc = procs[0]
    if args.variant == "window":
        # Killed at a random moment, or asked to quit (as closing the window does) mid-run.
        time.sleep(rng.uniform(1.0, 1.0 + args.max_kill_s))
        if proc.poll() is not None:  # it never ends by itself: it failed
            return [f"the window ended {proc.returncode} before the signal: {tail(errs[0])}"]
        # The Run marker (written about once a second while running) says whether the Run is
        # under way as the signal is sent; its first write comes as the Run starts.
        conf = os.path.join(tmp, "config", "Syncscope", "Syncscope.conf")
        running = os.path.exists(conf) and "[lastRun]" in open(conf).read()
        if running:
            counts["cut"] = counts.get("cut", 0) + 1
        if rng.random() < 0.5:
            proc.send_signal(signal.SIGKILL)
        else:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                return [f"the window did not quit within 120 s: {tail(errs[0])}"]
            if proc.returncode != 0:  # quit as File > Quit does, not ended by the signal
                return [f"the window ended {proc.returncode} on SIGTERM: {tail(errs[0])}"]
            # A Run under way keeps its exact place. (One that ended meanwhile clears the
            # marker, as any finished Run does; tst_guireset holds a quit to keeping it.)
            after = open(conf).read() if os.path.exists(conf) else ""
            if running and "[lastRun]" in after and "exact=true" not in after:
                return ["the window quit on SIGTERM mid-run without keeping its exact place"]
        counts["kills"] += 1
        proc.wait()
    elif args.variant == "kill":
        time.sleep(rng.uniform(0.05, args.max_kill_s))
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
            counts["kills"] += 1
        proc.wait()
        if not killed and proc.returncode != 0:
            return [f"the run ended {proc.returncode} before the kill: {tail(errs[0])}"]
    elif args.variant == "server":
        time.sleep(rng.uniform(0.2, args.max_kill_s))
        if proc.poll() is None:
            if kind == "hive":
                lab.hive.kill()
            else:
                lab.services("kill", kind)
            counts["kills"] += 1
            time.sleep(rng.uniform(0.1, 2.0))
            if kind == "hive":
                lab.hive.start()
            else:
                lab.services("revive")
        proc.wait()
        # Exit 3 with a message is right when the outage outlasted the retries; 0 when not.
        if proc.returncode not in (0, 3):
            return [f"the run ended {proc.returncode} in the outage: {tail(errs[0])}"]
    else:
        for p, err in zip(procs, errs):
            p.wait()
            if p.returncode not in (0, 3):
                return [f"a concurrent run ended {p.returncode}: {tail(err)}"]
    for out in outs:
        out.close()
    problems, _, gets = check(uris, lab.password, f"after the {args.variant}",
                              folded=kind != "mongo-standalone" or args.variant == "two")
    for sc in scripts:
        for line in open(sc + ".out"):
            # "12, A.GET(SID1000,CSE001) = B"
            ts, _, rest = line.partition(", ")
            store, _, key = rest.partition(".GET(")
            sid, _, cid = key.partition(")")[0].partition(",")
            if (int(ts), sid, cid) not in gets.get(store, set()):
                problems.append(f"the run printed '{line.strip()}' but {store}'s oplog lacks it")
                break
    if problems:
        return problems
    # After the crash: new writes at A, then load and follow them into the others.
    tag = f"N{counts['rounds']}"
    small = os.path.join(tmp, "after.in")
    with open(small, "w") as f:
        for i in range(5):
            f.write(f"A.SET((SID{tag}X{i},CSE001),Q)\n")
        f.write("B.MERGE(A)\nB.SET((SID1000,CSE001),R)\n")
    r = cli([args.cli, "run", small, "--workspace", ws], env)
    if r.returncode != 0:
        return [f"the run after the crash failed ({r.returncode}): {r.stderr[-400:]}"]
    for i in range(5):
        with open(small, "a") as f:
            f.write(f"A.SET((SID{tag}Y{i},CSE002),P)\n")
    r = cli([args.cli, "run", small, "--workspace", ws], env)
    if r.returncode != 0:
        return [f"the second run after the crash failed ({r.returncode}): {r.stderr[-400:]}"]
    r = cli([args.cli, "load", "--workspace", ws, "--from", "A", "--into", "C"], env)
    if r.returncode != 0:
        return [f"load --from A failed ({r.returncode}): {r.stderr[-400:]}"]
    r = cli([args.cli, "follow", "--workspace", ws, "--from", "A", "--to", "B,C,D",
             "--state", os.path.join(tmp, "follow.state"), "--until-caught-up"], env)
    if r.returncode != 0:
        return [f"follow --from A failed ({r.returncode}): {r.stderr[-400:]}"]
    problems, logs, _ = check(uris, lab.password, "after recovery")
    if problems:
        return problems
    made = [w for w in logs["A"] if w[0] == "A" and w[2].startswith(f"SID{tag}")]
    if len(made) != 15:
        return [f"A's oplog holds {len(made)} of the 15 writes made after the crash"]
    for target in ("B", "C", "D"):
        held = set(logs[target])
        missing = [w for w in made if w not in held]
        if missing:
            return [f"{len(missing)} writes made after the crash never reached {target}, "
                    f"e.g. {missing[0]}"]
    return []


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--kinds", default="sqlite")
    p.add_argument("--services-env", default=os.environ.get("SYNCSCOPE_SERVICES_ENV", ""))
    p.add_argument("--min-lines", type=int, default=20000)
    p.add_argument("--max-lines", type=int, default=120000)
    p.add_argument("--max-kill-s", type=float, default=3.0)
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--hs2peer", default="",
                   help="the HiveServer2 peer for the hive kind (default: beside the CLI's build)")
    p.add_argument("--mongopeer", default="",
                   help="the MongoDB peer for the mongo kind (default: beside the CLI's build)")
    p.add_argument("--variant", choices=["kill", "server", "two", "window"], default="kill")
    p.add_argument("--gui", default="",
                   help="the window for the window variant (default: beside the CLI)")
    p.add_argument("--own-lab", action="store_true",
                   help="start lab servers of its own (scripts/services) and stop them after: "
                        "the server variant kills them, which other tests must not see")
    args = p.parse_args()
    if not args.gui:
        args.gui = os.path.join(os.path.dirname(os.path.abspath(args.cli)), "syncscope")
    rng = random.Random(args.seed)
    own = None
    if args.own_lab:
        own = tempfile.mkdtemp(prefix="crashtest-lab-")
        top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        services = os.path.join(top, "scripts", "services")
        subprocess.run([services, "start", own], check=True, capture_output=True, timeout=300)
        args.services_env = os.path.join(own, "env")
    try:
        failed = run_all(args, rng)
    finally:
        if own:
            subprocess.run([services, "stop", own], capture_output=True, timeout=300)
            shutil.rmtree(own, ignore_errors=True)
    sys.exit(1 if failed else 0)


def run_all(args, rng):
    lab = Lab(args.services_env)
    failed = False
    for kind in args.kinds.split(","):
        if args.variant == "server" and kind in ("sqlite", "mongo", "mongo-standalone"):
            continue  # no server to kill, or one that keeps nothing across a kill
        counts = {"kills": 0, "rounds": 0, "passed": 0}
        build = os.path.dirname(os.path.dirname(os.path.abspath(args.cli)))
        if kind == "hive":
            lab.hive = HivePeer(args.hs2peer or os.path.join(build, "tests", "peers", "hs2peer"))
        if kind in ("mongo", "mongo-standalone"):
            lab.mongo = MongoPeer(args.mongopeer or
                                  os.path.join(build, "tests", "peers", "mongopeer"),
                                  standalone=kind == "mongo-standalone")
        try:
            failed = run_rounds(args, kind, lab, rng, counts) or failed
        finally:
            for peer in (lab.hive, lab.mongo):
                if peer:
                    peer.stop()
            lab.hive = lab.mongo = None
        print(json.dumps({"crashtest": kind, "variant": args.variant, "seed": args.seed,
                          **counts}))
    return failed


def run_rounds(args, kind, lab, rng, counts):
    """Runs args.rounds rounds of one kind; True when one broke (its folder is kept)."""
    for _ in range(args.rounds):
        tmp = tempfile.mkdtemp(prefix=f"crashtest-{kind}-")
        counts["rounds"] += 1
        problems = one_round(args, kind, lab, rng, tmp, counts)
        if problems:
            print(f"crashtest: {kind} round {counts['rounds']} (seed {args.seed}) broke; "
                  f"kept in {tmp}", file=sys.stderr)
            for line in problems:
                print("  " + line, file=sys.stderr)
            return True
        counts["passed"] += 1
        shutil.rmtree(tmp)
    return False


if __name__ == "__main__":
    main()
