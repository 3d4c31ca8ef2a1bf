package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.spi.ConsensusProtocol;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RaftProtocolTest {

    @Test
    void isFoundByTheServiceLoaderAsRaft() {
        assertThat(ServiceLoader.load(ConsensusProtocol.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(p -> {
                    assertThat(p.name()).isEqualTo("raft");
                    assertThat(p).isInstanceOf(RaftProtocol.class);
                    assertThat(p.codec()).isSameAs(RaftCodec.INSTANCE);
                });
    }
}
