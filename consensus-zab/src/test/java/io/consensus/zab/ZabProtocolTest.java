package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.api.spi.ConsensusProtocol;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ZabProtocolTest {

    @Test
    void theServiceLoaderFindsZab() {
        ConsensusProtocol zab = ServiceLoader.load(ConsensusProtocol.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("zab")).findFirst().orElseThrow(() -> new AssertionError("not found among "
                        + ServiceLoader.load(ConsensusProtocol.class).stream().map(p -> p.type().getName())
                                .collect(Collectors.toList())));
        assertThat(zab).isInstanceOf(ZabProtocol.class);
        assertThat(((ZabProtocol) zab).faults()).isEqualTo(ZabFaults.NONE);
        assertThat(((ZabProtocol) zab).leaseReads()).as("lease reads are on by default").isTrue();
        assertThat(zab.codec()).isSameAs(ZabCodec.INSTANCE);
    }

    @Test
    void faultsDefaultToNone() {
        assertThat(new ZabFaults().any()).isFalse();
        assertThat(ZabFaults.onlySnapInMemoryOnly().any()).isTrue();
        assertThat(new ZabProtocol(ZabFaults.onlySkipEpochPersist()).faults().skipEpochPersist()).isTrue();
    }

    @Test
    void metadataRoundTripsAndRejectsGarbage() {
        ZabMetadata meta = new ZabMetadata(7, "c", 6, ZabMetadata.NOT_JOINED);
        assertThat(ZabMetadata.decode(meta.encode())).isEqualTo(meta);
        assertThat(ZabMetadata.decode(ZabMetadata.INITIAL.encode())).isEqualTo(ZabMetadata.INITIAL);
        assertThatThrownBy(() -> ZabMetadata.decode(new byte[] {9})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ZabMetadata(3, null, 4, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("above accepted");
    }
}
