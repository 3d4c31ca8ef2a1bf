package io.consensus.core.runtime;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What makes commands exactly-once, so a retried command is applied once. Two kinds:
 * <ul>
 *   <li>Commands with an application request key: their results, kept for the TTL so a retry gets
 *       the first result.</li>
 *   <li>Sequenced commands (no request key): per origin session, the floor below which every command
 *       is finished at its origin, and the sequence numbers applied at or above it. No results: the
 *       origin's caller is answered when its own member applies the first copy. This part stays as
 *       small as the number of commands in flight, whatever the throughput.</li>
 * </ul>
 * Everything expires by the log's own clock (the proposers' times carried in batches), never by a
 * member's local clock, so every member keeps and drops the same entries and the table can live in
 * snapshots.
 */
final class DedupTable {

    /** A remembered outcome: a result, or the message of a deterministic failure. */
    record Cached(long appliedAtMillis, byte[] result, String failure) {}

    private final long ttlMillis;
    // Insertion order is apply order, the same on every member: expiry walks from the oldest.
    private final LinkedHashMap<String, Cached> entries = new LinkedHashMap<>();
    /** Sequenced commands by origin session. Insertion order, for deterministic snapshots. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();
    private long logClockMillis;

    /** One origin session: its floor, the sequences applied at or above it, when it was last seen. */
    private static final class Session {
        long floor;
        long lastActiveMillis;
        final SequenceSet applied = new SequenceSet();
    }

    DedupTable(long ttlMillis) {
        this.ttlMillis = ttlMillis;
    }

    /** Advances the log clock (never backwards) and forgets entries and sessions idle for the TTL. */
    void advance(long proposedAtMillis) {
        logClockMillis = Math.max(logClockMillis, proposedAtMillis);
        // Few sessions (one per member incarnation within the TTL), so a scan per batch is cheap.
        sessions.values().removeIf(session -> session.lastActiveMillis < logClockMillis - ttlMillis);
        Iterator<Map.Entry<String, Cached>> oldest = entries.entrySet().iterator();
        while (oldest.hasNext()) {
            if (oldest.next().getValue().appliedAtMillis() >= logClockMillis - ttlMillis) {
                return;
            }
            oldest.remove();
        }
    }

    /** The latest proposer time applied: the log's own clock. */
    long logClockMillis() {
        return logClockMillis;
    }

    /** A batch of {@code session} says every sequence below {@code floor} is finished at its origin. */
    void raiseFloor(String session, long floor) {
        Session state = sessions.computeIfAbsent(session, s -> new Session());
        state.lastActiveMillis = logClockMillis;
        if (floor > state.floor) {
            state.floor = floor;
            state.applied.removeBelow(floor);
        }
    }

    /**
     * Whether sequenced command {@code sequence} of {@code session} is new; if so it is recorded as
     * applied. False for a duplicate and for a command below the floor (finished at its origin as
     * timed out, whose outcome was reported unknown: not applying it is a valid outcome).
     */
    boolean firstTime(String session, long sequence) {
        Session state = sessions.computeIfAbsent(session, s -> new Session());
        state.lastActiveMillis = logClockMillis;
        return sequence >= state.floor && state.applied.add(sequence);
    }

    Cached get(String requestKey) {
        return entries.get(requestKey);
    }

    void put(String requestKey, byte[] result, String failure) {
        entries.put(requestKey, new Cached(logClockMillis, result, failure));
    }

    /** Remembered request keys plus sequenced commands above their floors. */
    int size() {
        return entries.size() + sessions.values().stream().mapToInt(session -> session.applied.size()).sum();
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeLong(logClockMillis);
        out.writeInt(entries.size());
        for (Map.Entry<String, Cached> entry : entries.entrySet()) {
            out.writeUTF(entry.getKey());
            Cached cached = entry.getValue();
            out.writeLong(cached.appliedAtMillis());
            out.writeBoolean(cached.failure() != null);
            if (cached.failure() != null) {
                out.writeUTF(cached.failure());
            } else {
                out.writeInt(cached.result().length);
                out.write(cached.result());
            }
        }
    }

    /** Format 2 (snapshot format 2 on): {@link #writeTo}'s keyed part, then the sessions. */
    void writeSessionsTo(DataOutputStream out) throws IOException {
        out.writeInt(sessions.size());
        for (Map.Entry<String, Session> entry : sessions.entrySet()) {
            out.writeUTF(entry.getKey());
            Session session = entry.getValue();
            out.writeLong(session.floor);
            out.writeLong(session.lastActiveMillis);
            long[] applied = session.applied.toArray();
            out.writeInt(applied.length);
            for (long sequence : applied) {
                out.writeLong(sequence);
            }
        }
    }

    void readSessionsFrom(DataInputStream in) throws IOException {
        sessions.clear();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            Session session = new Session();
            session.floor = in.readLong();
            session.lastActiveMillis = in.readLong();
            int applied = in.readInt();
            for (int j = 0; j < applied; j++) {
                session.applied.add(in.readLong());
            }
            sessions.put(name, session);
        }
    }

    void readFrom(DataInputStream in) throws IOException {
        sessions.clear();
        entries.clear();
        logClockMillis = in.readLong();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String key = in.readUTF();
            long at = in.readLong();
            if (in.readBoolean()) {
                entries.put(key, new Cached(at, null, in.readUTF()));
            } else {
                byte[] result = new byte[in.readInt()];
                in.readFully(result);
                entries.put(key, new Cached(at, result, null));
            }
        }
    }
}
