package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DedupTableTest {

    private static final String SESSION = "a:m1:42";

    @Test
    void aSequencedCommandAppliesOnceAndIsForgottenOnceItsOriginMovesThePastIt() {
        DedupTable table = new DedupTable(60_000);
        table.advance(1_000);
        table.raiseFloor(SESSION, 1);
        assertThat(table.firstTime(SESSION, 1)).isTrue();
        assertThat(table.firstTime(SESSION, 2)).isTrue();
        assertThat(table.firstTime(SESSION, 1)).as("a re-sent copy").isFalse();
        assertThat(table.size()).isEqualTo(2);

        table.raiseFloor(SESSION, 3);
        assertThat(table.size()).as("everything below the floor is forgotten").isZero();
        assertThat(table.firstTime(SESSION, 2)).as("below the floor: finished at the origin, never applied again").isFalse();
        assertThat(table.firstTime(SESSION, 3)).isTrue();
    }

    @Test
    void theTableStaysAtTheNumberInFlightHoweverManyCommandsApply() {
        DedupTable table = new DedupTable(600_000);
        for (long sequence = 1; sequence <= 100_000; sequence++) {
            table.advance(sequence);
            table.raiseFloor(SESSION, Math.max(1, sequence - 256));
            assertThat(table.firstTime(SESSION, sequence)).isTrue();
        }
        assertThat(table.size()).isLessThanOrEqualTo(257);
    }

    @Test
    void aSessionIdleForTheTtlIsForgotten() {
        DedupTable table = new DedupTable(1_000);
        table.advance(0);
        table.raiseFloor(SESSION, 1);
        table.firstTime(SESSION, 5);
        table.advance(2_000);
        assertThat(table.size()).isZero();
    }

    @Test
    void sessionsSurviveASnapshotRoundTrip() throws IOException {
        DedupTable table = new DedupTable(60_000);
        table.advance(7);
        table.raiseFloor(SESSION, 10);
        table.firstTime(SESSION, 12);
        table.put("u:order-1", "ok".getBytes(StandardCharsets.UTF_8), null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            table.writeTo(out);
            table.writeSessionsTo(out);
        }
        DedupTable restored = new DedupTable(60_000);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            restored.readFrom(in);
            restored.readSessionsFrom(in);
        }
        assertThat(restored.firstTime(SESSION, 12)).isFalse();
        assertThat(restored.firstTime(SESSION, 9)).isFalse();
        assertThat(restored.firstTime(SESSION, 11)).isTrue();
        assertThat(restored.get("u:order-1").result()).asString(StandardCharsets.UTF_8).isEqualTo("ok");
    }

    @Test
    void commandBatchesRoundTripBothKindsOfCommand() {
        CommandBatch batch = new CommandBatch(99, SESSION, 5, List.of(
                CommandBatch.Command.sequenced(SESSION, 7, new byte[] {1, 2}),
                CommandBatch.Command.keyed("u:order-ü", new byte[] {3})));
        CommandBatch decoded = CommandBatch.decode(batch.encode());
        assertThat(decoded.proposedAtMillis()).isEqualTo(99);
        assertThat(decoded.session()).isEqualTo(SESSION);
        assertThat(decoded.floor()).isEqualTo(5);
        assertThat(decoded.commands().get(0).requestKey()).isEqualTo(SESSION + ":7");
        assertThat(decoded.commands().get(0).sequence()).isEqualTo(7);
        assertThat(decoded.commands().get(1).requestKey()).isEqualTo("u:order-ü");
        assertThat(decoded.commands().get(1).isSequenced()).isFalse();
        assertThat(decoded.commands().get(1).bytes()).containsExactly(3);
    }

    @Test
    void aVersionOneBatchFromAnOlderBuildStillDecodes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeLong(5);
            out.writeInt(1);
            out.writeUTF("a:m1:3:8");
            out.writeInt(2);
            out.write(new byte[] {9, 9});
        }
        CommandBatch decoded = CommandBatch.decode(bytes.toByteArray());
        assertThat(decoded.session()).isEmpty();
        assertThat(decoded.commands()).singleElement().satisfies(c -> {
            assertThat(c.requestKey()).isEqualTo("a:m1:3:8");
            assertThat(c.isSequenced()).isFalse();
        });
    }

    @Test
    void aTruncatedBatchIsRejectedWithAClearError() {
        byte[] encoded = new CommandBatch(1, SESSION, 1, List.of(CommandBatch.Command.sequenced(SESSION, 1, new byte[8]))).encode();
        assertThatThrownBy(() -> CommandBatch.decode(java.util.Arrays.copyOf(encoded, encoded.length - 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("command length");
    }
}
