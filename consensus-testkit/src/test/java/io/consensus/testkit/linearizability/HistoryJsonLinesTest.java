package io.consensus.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryJsonLinesTest {

    private static final String LINE = "{\"id\":7,\"linearizable\":false,\"ops\":["
            + "{\"key\":\"k0\",\"kind\":\"PUT\",\"value\":\"a \\\"quoted\\\"\",\"expect\":null,"
            + "\"result\":\"ok\",\"unknown\":false,\"invoke\":1,\"complete\":2},"
            + "{\"key\":\"k0\",\"kind\":\"CAS\",\"value\":\"b\",\"expect\":null,"
            + "\"result\":null,\"unknown\":true,\"invoke\":3,\"complete\":0}]}";

    @Test
    void parsesAHistoryLine() {
        LabelledHistory history = HistoryJsonLines.parse(LINE);

        assertThat(history.id()).isEqualTo(7);
        assertThat(history.linearizable()).isFalse();
        assertThat(history.operations()).containsExactly(
                Operation.put("k0", "a \"quoted\"", 1, 2),
                new Operation("k0", Operation.Kind.CAS, "b", null, null, true, 3, 0));
    }

    @Test
    void readsEveryNonBlankLineOfAFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("h.jsonl"),
                LINE + "\n\n" + LINE.replace("\"id\":7", "\"id\":8") + "\n");

        assertThat(HistoryJsonLines.read(file)).extracting(LabelledHistory::id).containsExactly(7L, 8L);
    }

    @Test
    void namesTheLineOfAnInvalidHistory(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("h.jsonl"),
                List.of(LINE, LINE.replace("\"kind\":\"PUT\"", "\"kind\":\"DELETE\"")));

        assertThatIllegalArgumentException().isThrownBy(() -> HistoryJsonLines.read(file))
                .withMessageStartingWith(file + " line 2: ")
                .withMessageContaining("DELETE");
    }

    @Test
    void rejectsAMissingOrMistypedField() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HistoryJsonLines.parse(LINE.replace("\"unknown\":false,", "")))
                .withMessageContaining("missing field \"unknown\"");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HistoryJsonLines.parse(LINE.replace("\"invoke\":1", "\"invoke\":\"1\"")))
                .withMessageContaining("invoke");
    }
}
