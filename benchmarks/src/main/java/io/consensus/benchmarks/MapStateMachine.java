package io.consensus.benchmarks;

import io.consensus.api.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peer harness's state machine: an in-memory map; a command is {@code [int keyLength][key][value]}
 * and a query is the key. The same work per write as the Ratis, SOFAJRaft and ZooKeeper adapters do,
 * so that the comparison measures the libraries, not the state machines.
 */
final class MapStateMachine implements StateMachine {

    private final Map<ByteKey, byte[]> values = new ConcurrentHashMap<>();

    static byte[] put(byte[] key, byte[] value) {
        return ByteBuffer.allocate(4 + key.length + value.length).putInt(key.length).put(key).put(value).array();
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        ByteBuffer buffer = ByteBuffer.wrap(command);
        int keyLength = buffer.getInt();
        byte[] key = new byte[keyLength];
        buffer.get(key);
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        values.put(new ByteKey(key), value);
        return null;
    }

    @Override
    public byte[] query(byte[] key) {
        return values.get(new ByteKey(key));
    }

    int size() {
        return values.size();
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(values.size());
        for (Map.Entry<ByteKey, byte[]> entry : values.entrySet()) {
            data.writeInt(entry.getKey().bytes().length);
            data.write(entry.getKey().bytes());
            data.writeInt(entry.getValue().length);
            data.write(entry.getValue());
        }
        data.flush();
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        values.clear();
        int count = data.readInt();
        for (int i = 0; i < count; i++) {
            byte[] key = data.readNBytes(data.readInt());
            byte[] value = data.readNBytes(data.readInt());
            values.put(new ByteKey(key), value);
        }
    }

    /** A byte-array key with value equality. */
    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof ByteKey key && java.util.Arrays.equals(bytes, key.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }
}
