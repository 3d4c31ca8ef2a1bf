package io.consensus.core.runtime;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Results of recently applied commands by request key, so a retried command is applied once and
 * gets the first result. Entries expire by the log's own clock (the proposers' times carried in
 * batches), never by a member's local clock, so every member keeps and drops the same entries and
 * the table can live in snapshots.
 */
final class DedupTable {

    /** A remembered outcome: a result, or the message of a deterministic failure. */
    record Cached(long appliedAtMillis, byte[] result, String failure) {}

    private final long ttlMillis;
    // Insertion order is apply order, the same on every member: expiry walks from the oldest.
    private final LinkedHashMap<String, Cached> entries = new LinkedHashMap<>();
    private long logClockMillis;

    DedupTable(long ttlMillis) {
        this.ttlMillis = ttlMillis;
    }

    /** Advances the log clock (never backwards) and forgets entries older than the TTL. */
    void advance(long proposedAtMillis) {
        logClockMillis = Math.max(logClockMillis, proposedAtMillis);
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

    Cached get(String requestKey) {
        return entries.get(requestKey);
    }

    void put(String requestKey, byte[] result, String failure) {
        entries.put(requestKey, new Cached(logClockMillis, result, failure));
    }

    int size() {
        return entries.size();
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

    void readFrom(DataInputStream in) throws IOException {
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
