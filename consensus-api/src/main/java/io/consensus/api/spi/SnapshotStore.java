package io.consensus.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * One group's snapshots: written as a stream, installed atomically, read back as a stream.
 * Called from the group's threads, one operation at a time per group.
 */
public interface SnapshotStore {

    /** The newest installed snapshot. */
    Optional<SnapshotMeta> latest();

    /** Opens the newest snapshot's bytes; the caller closes the stream. */
    InputStream open(SnapshotMeta meta) throws IOException;

    /** Starts writing a snapshot; nothing is visible until {@link Writer#install()}. */
    Writer begin(SnapshotMeta meta) throws IOException;

    /** A snapshot being written. */
    interface Writer extends AutoCloseable {

        /** Where to write the snapshot bytes. */
        OutputStream output();

        /**
         * Checks, forces and atomically installs the snapshot, then prunes older ones. Once it
         * returns, {@link SnapshotStore#latest()} reports it, also after a crash. If a snapshot at a
         * higher index was installed meanwhile (one received from the leader while a member wrote
         * its own), this one is discarded instead: the latest snapshot never moves backwards.
         */
        void install() throws IOException;

        /** Discards the snapshot if it was not installed. */
        @Override
        void close();
    }
}
