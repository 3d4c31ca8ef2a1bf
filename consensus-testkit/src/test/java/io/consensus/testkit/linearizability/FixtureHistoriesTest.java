package io.consensus.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The checker against the shared fixture histories, whose verdicts two independent checkers
 * agree on. CI always has the fixtures, so a missing file fails rather than skips.
 */
class FixtureHistoriesTest {

    /** Overrides where the fixtures are; by default they sit beside the project checkout. */
    private static final String FIXTURES_DIR_PROPERTY = "consensus.fixtures.dir";
    private static final String DEFAULT_FIXTURES_DIR = "../../shared/fixtures";

    @Test
    void verdictMatchesTheFixtureOnEveryHistory() {
        List<LabelledHistory> histories = HistoryJsonLines.read(fixture("kv-histories.jsonl"));
        assertThat(histories).isNotEmpty();

        List<String> mismatches = histories.stream()
                .filter(history -> LinearizabilityChecker.check(history.operations()).isLinearizable()
                        != history.linearizable())
                .map(history -> history.id() + (history.linearizable() ? " (expected linearizable)" : " (expected not)"))
                .collect(Collectors.toList());

        assertThat(mismatches)
                .as("ids of the %d histories whose verdict differs from the fixture", histories.size())
                .isEmpty();
    }

    private static Path fixture(String name) {
        Path dir = Path.of(System.getProperty(FIXTURES_DIR_PROPERTY, DEFAULT_FIXTURES_DIR));
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            fail("fixture " + file.toAbsolutePath().normalize() + " is missing: expected in "
                    + DEFAULT_FIXTURES_DIR + " relative to the module directory, or in the directory"
                    + " named by -D" + FIXTURES_DIR_PROPERTY);
        }
        return file;
    }
}
