package io.consensus.testkit.sim;

import io.consensus.api.ConsensusException;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Outcome;
import io.consensus.api.ReadConsistency;
import io.consensus.api.SubmitOptions;
import io.consensus.testkit.KvStateMachine;
import io.consensus.testkit.linearizability.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The simulated clients. Each runs one operation at a time against a random member, through the
 * public {@link ConsensusGroup} API, and retries as a real client does: a write whose outcome is
 * unknown is retried with the same request id on a random member, a refused one is simply retried,
 * and a read is retried afresh. Every operation is recorded with invoke and completion times for
 * the linearizability check: a write that never learned its outcome is recorded as unknown, and
 * one that certainly did not apply is left out. STALE reads are checked against the applied prefix
 * of the member that served them instead.
 *
 * <p>Keys rotate: most operations use one of a few keys of the current window of operations, so
 * each key's sub-history stays small enough for the checker, and some reads go back to older keys.
 */
final class Clients {

    static final int MAX_WRITE_ATTEMPTS = 5;
    static final int MAX_READ_ATTEMPTS = 3;
    private static final int KEYS_PER_WINDOW = 3;
    private static final int OPS_PER_WINDOW = 60;
    /** About one operation in this many starts a lull. */
    private static final int LULL_ONE_IN = 250;
    private static final RuntimeException CLIENT_TIMEOUT = new RuntimeException("client gave up waiting");
    private static final RuntimeException MEMBER_DOWN = new RuntimeException("connection refused: member down");
    private static final RuntimeException CONNECTION_LOST = new RuntimeException("connection lost: member crashed");

    enum Kind { PUT, CAS, GET, COMMAND }

    /** One client operation and its attempts. */
    static final class Op {
        final long id;
        final int client;
        final Kind kind;
        final String key;
        final String value;
        final String expect;
        final ReadConsistency consistency;
        final byte[] command;
        final String requestId;
        final List<String> attemptLog = new ArrayList<>();
        long invokeStamp;
        long invokeMicros;
        long completeMicros = -1;
        int attempts;
        long token;
        int attemptMember = -1;
        boolean maybeApplied;
        boolean finished;
        String outcome;

        Op(long id, int client, Kind kind, String key, String value, String expect, ReadConsistency consistency,
           byte[] command) {
            this.id = id;
            this.client = client;
            this.kind = kind;
            this.key = key;
            this.value = value;
            this.expect = expect;
            this.consistency = consistency;
            this.command = command;
            this.requestId = "c" + client + "-" + id;
        }

        boolean isWrite() {
            return kind != Kind.GET;
        }

        @Override
        public String toString() {
            String what = switch (kind) {
                case PUT -> "PUT " + key + "=" + value;
                case CAS -> "CAS " + key + " " + expect + "->" + value;
                case GET -> "GET " + key + " (" + consistency + ")";
                case COMMAND -> "COMMAND " + command.length + "B";
            };
            return "op " + id + " client " + client + ": " + what + " -> " + outcome + "; attempts: " + attemptLog;
        }
    }

    private final Run run;
    private final Scheduler scheduler;
    private final SplittableRandom random;
    private final Coverage coverage;
    private final int clientCount;
    private final int target;
    private final Function<RandomGenerator, byte[]> commands;
    private final long clientTimeoutMicros;
    private final List<Op> finished = new ArrayList<>();
    private final List<Operation> history = new ArrayList<>();
    private final Op[] current;
    private final List<Map<String, String>> lastSeen = new ArrayList<>();
    private long issued;
    private long nextToken;
    private long lastStamp;
    private Op liveness;
    /**
     * Until then no client starts an operation: a lull of 2 to 5 election timeouts, long enough for
     * the group to go quiescent while the faults go on (a leader crashing in its sleep, a partition).
     */
    private long lullUntilMicros;

    /**
     * @param commands null for the key-value workload, else the generator of a custom state
     *                 machine's commands (then nothing is checked for linearizability)
     */
    Clients(Run run, Scheduler scheduler, SplittableRandom random, Coverage coverage, int clientCount, int operations,
            Function<RandomGenerator, byte[]> commands, long clientTimeoutMicros) {
        this.run = run;
        this.scheduler = scheduler;
        this.random = random;
        this.coverage = coverage;
        this.clientCount = clientCount;
        this.target = operations;
        this.commands = commands;
        this.clientTimeoutMicros = clientTimeoutMicros;
        this.current = new Op[clientCount];
        for (int i = 0; i < clientCount; i++) {
            lastSeen.add(new HashMap<>());
        }
    }

    void start() {
        for (int c = 0; c < clientCount; c++) {
            int client = c;
            scheduler.after(random.nextLong(5_000), null, this, () -> next(client));
        }
    }

    /** Whether every operation was issued and has finished. */
    boolean done() {
        if (issued < target) {
            return false;
        }
        for (Op op : current) {
            if (op != null) {
                return false;
            }
        }
        return true;
    }

    /** Issues no new operations (in-flight ones still finish). */
    void stopIssuing() {
        issued = Math.max(issued, target);
    }

    List<Operation> history() {
        return history;
    }

    List<Op> finishedOps() {
        return finished;
    }

    /** The member crashed: attempts in flight on it lose their connection. */
    void memberCrashed(int member) {
        List<Op> affected = new ArrayList<>();
        for (Op op : current) {
            if (op != null && op.attemptMember == member && op.token != 0) {
                affected.add(op);
            }
        }
        if (liveness != null && !liveness.finished && liveness.attemptMember == member && liveness.token != 0) {
            affected.add(liveness);
        }
        for (Op op : affected) {
            attemptDone(op, op.token, null, CONNECTION_LOST);
        }
    }

    /** Starts the end-of-run write that must succeed once faults are healed. */
    void startLiveness(String key, String value) {
        liveness = commands != null ? new Op(-1, -1, Kind.COMMAND, null, null, null, null, commands.apply(random))
                : new Op(-1, -1, Kind.PUT, key, value, null, null, KvStateMachine.put(key, value));
        attempt(liveness);
    }

    /** The liveness write's outcome, or null while it is pending. */
    Op liveness() {
        return liveness;
    }

    private void next(int client) {
        if (issued >= target || run.stopped()) {
            return;
        }
        long now = scheduler.nowMicros();
        if (lullUntilMicros <= now && random.nextInt(LULL_ONE_IN) == 0) {
            lullUntilMicros = now + run.electionTimeoutMicros() * 2 + random.nextLong(run.electionTimeoutMicros() * 3);
            coverage.lulls++;
            run.note("client", "lull: no operations for " + (lullUntilMicros - now) / 1000 + " ms");
        }
        if (now < lullUntilMicros) {
            scheduler.after(lullUntilMicros - now + random.nextLong(5_000), null, this, () -> next(client));
            return;
        }
        Op op = generate(client, issued++);
        current[client] = op;
        attempt(op);
    }

    private Op generate(int client, long id) {
        if (commands != null) {
            return new Op(id, client, Kind.COMMAND, null, null, null, null, commands.apply(random));
        }
        long window = id / OPS_PER_WINDOW;
        String key = "k" + (window * KEYS_PER_WINDOW + random.nextInt(KEYS_PER_WINDOW));
        int roll = random.nextInt(100);
        String value = "v" + id;
        if (roll < 35) {
            return new Op(id, client, Kind.PUT, key, value, null, null, KvStateMachine.put(key, value));
        }
        if (roll < 50) {
            String expect = random.nextInt(4) == 0 ? null : lastSeen.get(client).get(key);
            return new Op(id, client, Kind.CAS, key, value, expect, null, KvStateMachine.cas(key, expect, value));
        }
        if (roll < 58 && window > 0) {
            long old = random.nextLong(window);
            key = "k" + (old * KEYS_PER_WINDOW + random.nextInt(KEYS_PER_WINDOW));
        }
        int level = random.nextInt(10);
        ReadConsistency consistency = level < 2 ? ReadConsistency.STALE
                : level < 5 ? ReadConsistency.LEASE : ReadConsistency.LINEARIZABLE;
        return new Op(id, client, Kind.GET, key, null, null, consistency, KvStateMachine.get(key));
    }

    private void attempt(Op op) {
        op.attempts++;
        long token = ++nextToken;
        op.token = token;
        SimMember member = run.pickActive(random); // members that left the group are no longer known
        op.attemptMember = member.index;
        if (!op.isWrite() || op.attempts == 1) {
            // A failed read had no effect, so only the last attempt's interval matters.
            op.invokeStamp = stamp();
            op.invokeMicros = scheduler.nowMicros();
        }
        op.attemptLog.add(member.id + "@" + scheduler.nowMicros() / 1000 + "ms");
        ConsensusGroup group = member.group();
        if (group == null) {
            attemptDone(op, token, null, MEMBER_DOWN);
            return;
        }
        CompletableFuture<byte[]> future;
        if (op.kind == Kind.GET) {
            future = group.query(op.command, op.consistency);
        } else {
            future = group.submit(op.command, new SubmitOptions(null, op.requestId));
        }
        SimMember.Incarnation incarnation = member.incarnation();
        future.whenComplete((result, error) -> attemptDone(op, token, result, error, member, incarnation));
        scheduler.after(clientTimeoutMicros, null, this, () -> attemptDone(op, token, null, CLIENT_TIMEOUT));
    }

    private void attemptDone(Op op, long token, byte[] result, Throwable error) {
        attemptDone(op, token, result, error, null, null);
    }

    private void attemptDone(Op op, long token, byte[] result, Throwable error, SimMember member,
                             SimMember.Incarnation incarnation) {
        if (op.finished || op.token != token) {
            return; // a late answer to an attempt the client already gave up on
        }
        op.token = 0;
        if (error == null && op.kind == Kind.GET && !op.key.equals(KvStateMachine.key(result))) {
            run.fail("a GET of " + op.key + " on " + run.member(op.attemptMember).id
                    + " was answered with the result of a read of " + KvStateMachine.key(result)
                    + ": the runtime matched a read reply to the wrong read", op.toString());
            return;
        }
        if (error == null) {
            if (op.kind == Kind.GET && op.consistency == ReadConsistency.STALE && member != null) {
                run.checkStaleRead(member, incarnation, op.key, KvStateMachine.value(result));
            }
            finish(op, result);
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String note;
        if (cause instanceof ConsensusException ce) {
            if (ce.outcome() == Outcome.APPLIED) {
                run.fail("the state machine failed a command (" + op + "): " + ce, null);
                return;
            }
            op.maybeApplied |= ce.outcome() == Outcome.UNKNOWN;
            note = ce.getClass().getSimpleName() + "(" + ce.outcome() + ")";
        } else if (cause == MEMBER_DOWN) {
            note = "down";
        } else if (cause == CLIENT_TIMEOUT || cause == CONNECTION_LOST) {
            op.maybeApplied = true; // the request may have reached the member
            note = cause == CLIENT_TIMEOUT ? "client timeout" : "connection lost";
        } else {
            note = cause.toString();
        }
        op.attemptLog.set(op.attemptLog.size() - 1, op.attemptLog.get(op.attemptLog.size() - 1) + " " + note);
        int maxAttempts = op.isWrite() ? MAX_WRITE_ATTEMPTS : MAX_READ_ATTEMPTS;
        boolean again = op == liveness ? !run.stopped() : op.attempts < maxAttempts;
        if (again) {
            // Exponential back-off with jitter, as real clients do: 20 ms, 40 ms, ... up to 1 s.
            long backoff = Math.min(1_000_000, 10_000L << op.attempts);
            backoff = backoff / 2 + random.nextLong(backoff / 2 + 1);
            scheduler.after(backoff, null, this, () -> attempt(op));
        } else {
            finish(op, null);
        }
    }

    private void finish(Op op, byte[] result) {
        op.finished = true;
        op.completeMicros = scheduler.nowMicros();
        long complete = stamp();
        if (result != null) {
            op.outcome = op.kind == Kind.GET ? "read " + KvStateMachine.value(result)
                    : op.kind == Kind.COMMAND ? "ok" : KvStateMachine.text(result);
            coverage.operationsOk++;
            record(op, result, complete);
        } else if (op.isWrite() && op.maybeApplied) {
            op.outcome = "unknown";
            coverage.operationsUnknown++;
            if (op.kind == Kind.PUT) {
                history.add(Operation.unknownPut(op.key, op.value, op.invokeStamp));
            } else if (op.kind == Kind.CAS) {
                history.add(Operation.unknownCas(op.key, op.expect, op.value, op.invokeStamp));
            }
        } else {
            op.outcome = "failed";
            coverage.operationsFailed++;
        }
        run.note("client", op.toString());
        finished.add(op);
        if (op == liveness) {
            return;
        }
        current[op.client] = null;
        // A client whose operation failed waits a while before the next one, as real clients do.
        long pause = result != null ? random.nextLong(2_000) : 20_000 + random.nextLong(80_000);
        scheduler.after(pause, null, this, () -> next(op.client));
    }

    private void record(Op op, byte[] result, long complete) {
        Map<String, String> seen = op.client >= 0 ? lastSeen.get(op.client) : new HashMap<>();
        switch (op.kind) {
            case PUT -> {
                if (!Operation.OK.equals(KvStateMachine.text(result))) {
                    run.fail("PUT returned " + KvStateMachine.text(result) + ": " + op, null);
                    return;
                }
                history.add(Operation.put(op.key, op.value, op.invokeStamp, complete));
                seen.put(op.key, op.value);
            }
            case CAS -> {
                boolean ok = "true".equals(KvStateMachine.text(result));
                history.add(Operation.cas(op.key, op.expect, op.value, ok, op.invokeStamp, complete));
                if (ok) {
                    seen.put(op.key, op.value);
                }
            }
            case GET -> {
                String value = KvStateMachine.value(result);
                if (op.consistency == ReadConsistency.STALE) {
                    coverage.staleReads++;
                } else {
                    history.add(Operation.get(op.key, value, op.invokeStamp, complete));
                }
                if (value != null) {
                    seen.put(op.key, value);
                }
            }
            case COMMAND -> { }
        }
    }

    /** A strictly increasing history time close to virtual microseconds. */
    private long stamp() {
        lastStamp = Math.max(lastStamp + 1, scheduler.nowMicros());
        return lastStamp;
    }
}
