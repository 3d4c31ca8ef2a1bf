package io.consensus.core.runtime;

import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams snapshots between members in chunks, for every protocol alike. Flow control is one chunk
 * in flight per receiver; the receiver acknowledges the offset it has, so a transfer resumes where
 * it stopped and a receiver restarts cleanly if the sender moves to a newer snapshot. The receiver
 * installs only a complete snapshot whose checksum the store verified, and keeps serving its old
 * state until then. Confined to the group's event loop.
 */
final class SnapshotTransfer {

    private static final Logger log = LoggerFactory.getLogger(SnapshotTransfer.class);

    private final GroupRuntime group;
    private final LogStorage storage;
    private final int chunkBytes;
    private final Map<String, Outgoing> outgoing = new HashMap<>();
    private Incoming incoming;

    private record Outgoing(SnapshotMeta meta, long offset, long sentAtMillis) {}

    private static final class Incoming {
        final String from;
        final SnapshotMeta meta;
        final SnapshotStore.Writer writer;
        final long startedNanos;
        long nextOffset;

        Incoming(String from, SnapshotMeta meta, SnapshotStore.Writer writer, long startedNanos) {
            this.from = from;
            this.meta = meta;
            this.writer = writer;
            this.startedNanos = startedNanos;
        }
    }

    SnapshotTransfer(GroupRuntime group, LogStorage storage, int maxFrameBytes) {
        this.group = group;
        this.storage = storage;
        this.chunkBytes = Math.min(1 << 20, maxFrameBytes / 2);
    }

    /** Starts (or continues) sending the latest snapshot to {@code to}. */
    void send(String to) {
        Optional<SnapshotMeta> latest = storage.snapshots().latest();
        if (latest.isEmpty()) {
            log.warn("group {}: {} needs a snapshot but none is stored yet", group.groupId(), to);
            return;
        }
        Outgoing current = outgoing.get(to);
        long now = group.loop().nowMillis();
        boolean stalled = current != null && now - current.sentAtMillis() > group.config().electionTimeout().toMillis();
        if (current != null && current.meta().equals(latest.get()) && !stalled) {
            return; // in progress; acknowledgements drive it
        }
        long offset = current != null && current.meta().equals(latest.get()) ? current.offset() : 0;
        sendChunk(to, latest.get(), offset);
    }

    private void sendChunk(String to, SnapshotMeta meta, long offset) {
        byte[] chunk;
        boolean last;
        try (InputStream in = storage.snapshots().open(meta)) {
            in.skipNBytes(offset);
            chunk = in.readNBytes(chunkBytes);
            last = in.read() < 0;
        } catch (IOException e) {
            log.warn("group {}: cannot read snapshot {} for {}: {}", group.groupId(), meta.index(), to, e.toString());
            outgoing.remove(to);
            return;
        }
        outgoing.put(to, new Outgoing(meta, offset, group.loop().nowMillis()));
        group.send(to, new RuntimeMessage.SnapshotChunk(meta, offset, last, chunk));
    }

    void onAck(String from, RuntimeMessage.SnapshotAck ack) {
        Outgoing current = outgoing.get(from);
        if (current == null || current.meta().index() != ack.index()) {
            return;
        }
        if (ack.installed()) {
            outgoing.remove(from);
            log.info("group {}: {} installed snapshot {}", group.groupId(), from, ack.index());
            return;
        }
        sendChunk(from, current.meta(), ack.nextOffset());
    }

    void onChunk(String from, RuntimeMessage.SnapshotChunk chunk) {
        long stored = storage.snapshots().latest().map(SnapshotMeta::index).orElse(0L);
        if (chunk.meta().index() <= Math.max(stored, group.appliedIndex())) {
            // Never replace a newer snapshot or applied state with an older one: tell the sender
            // it is done, and the protocol's own probing resumes replication from our log.
            group.send(from, new RuntimeMessage.SnapshotAck(chunk.meta().index(), 0, true));
            return;
        }
        if (incoming == null || !incoming.meta.equals(chunk.meta()) || !incoming.from.equals(from)) {
            if (chunk.offset() != 0) {
                group.send(from, new RuntimeMessage.SnapshotAck(chunk.meta().index(), 0, false));
                return;
            }
            abortIncoming();
            try {
                incoming = new Incoming(from, chunk.meta(), storage.snapshots().begin(chunk.meta()), group.loop().nowNanos());
            } catch (IOException e) {
                log.warn("group {}: cannot store snapshot {} from {}: {}", group.groupId(), chunk.meta().index(), from, e.toString());
                return;
            }
        }
        if (chunk.offset() != incoming.nextOffset) {
            group.send(from, new RuntimeMessage.SnapshotAck(chunk.meta().index(), incoming.nextOffset, false));
            return;
        }
        Incoming receiving = incoming;
        try {
            receiving.writer.output().write(chunk.bytes());
            receiving.nextOffset += chunk.bytes().length;
            if (!chunk.last()) {
                group.send(from, new RuntimeMessage.SnapshotAck(chunk.meta().index(), receiving.nextOffset, false));
                return;
            }
            // Verified (checksum), forced and atomically installed before the state machine sees it.
            receiving.writer.install();
        } catch (IOException e) {
            log.warn("group {}: snapshot {} from {} rejected: {}", group.groupId(), chunk.meta().index(), from, e.toString());
            abortIncoming();
            return;
        }
        incoming = null;
        receiving.writer.close();
        group.meters().snapshotInstalledDuration.recordNanos(group.loop().nowNanos() - receiving.startedNanos);
        group.meters().snapshotInstalledSize.record(receiving.nextOffset);
        log.info("group {}: received snapshot {} from {} ({} bytes)", group.groupId(), receiving.meta.index(), from,
                receiving.nextOffset);
        group.installReceivedSnapshot(from, receiving.meta, () ->
                group.send(from, new RuntimeMessage.SnapshotAck(receiving.meta.index(), receiving.nextOffset, true)));
    }

    private void abortIncoming() {
        if (incoming != null) {
            incoming.writer.close();
            incoming = null;
        }
    }
}
