package io.consensus.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Every file-system operation whose durability matters, as a seam: production uses {@link #DEFAULT};
 * the tests put a power-loss simulator here that forgets every write, creation, rename and deletion
 * not covered by a completed force. Listing directories and reading sizes go straight to the file
 * system, because they observe state rather than change it.
 */
interface FileIo {

    /** Opens a file channel; writes through it are durable only after {@link FileChannel#force}. */
    FileChannel open(Path path, OpenOption... options) throws IOException;

    /** Makes the directory's entries (files created, renamed or deleted in it) durable. */
    void forceDirectory(Path dir) throws IOException;

    /** Renames atomically, replacing {@code target}; durable once the directory is forced. */
    void move(Path source, Path target) throws IOException;

    /** Deletes a file if it exists; durable once the directory is forced. */
    void delete(Path path) throws IOException;

    /** Bytes available to this process on the file system holding {@code path}. */
    default long usableSpace(Path path) throws IOException {
        return Files.getFileStore(path).getUsableSpace();
    }

    /** Creates {@code dir} and its missing parents, forcing each parent so the new entries survive a crash. */
    default void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        createDirectories(absolute.getParent());
        Files.createDirectory(absolute);
        forceDirectory(absolute.getParent());
    }

    /** The real file system. */
    FileIo DEFAULT = new FileIo() {
        // Windows cannot open a directory as a channel; NTFS journals directory changes itself.
        private final boolean directoriesForceable = !System.getProperty("os.name", "").startsWith("Windows");

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            return FileChannel.open(path, options);
        }

        @Override
        public void forceDirectory(Path dir) throws IOException {
            if (directoriesForceable) {
                try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                    channel.force(true);
                }
            }
        }

        @Override
        public void move(Path source, Path target) throws IOException {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void delete(Path path) throws IOException {
            Files.deleteIfExists(path);
        }
    };

    /** Reads until {@code buf} is full; a file that ends first is an {@link EOFException}. */
    static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                throw new EOFException("end of file at offset " + at);
            }
            at += n;
        }
    }

    /**
     * Writes all of {@code buf} at {@code position}.
     *
     * @throws NoSpaceException if the file system is full; part of {@code buf} may have been written
     */
    static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long at = position;
        try {
            while (buf.hasRemaining()) {
                at += channel.write(buf, at);
            }
        } catch (IOException e) {
            throw NoSpaceException.isNoSpace(e) ? new NoSpaceException(e) : e;
        }
    }
}
