package io.consensus.storage;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.NodeStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite on the file log, with small segments, restarted through a simulated power loss. */
class FileLogStorageConformanceTest extends LogStorageConformanceTest {

    @TempDir
    Path dir;

    private final PowerLossIo io = new PowerLossIo();

    @Override
    protected NodeStorage create() {
        return FileNodeStorage.open(dir, "c", SyncMode.FSYNC, 4096, io);
    }

    @Override
    protected NodeStorage restart(NodeStorage crashed) throws Exception {
        io.crash(null);
        return create();
    }
}
