package io.consensus.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's embedding example is the compiled ReplicatedCounter, so the README cannot rot. */
class ReadmeSnippetTest {

    @Test
    void readmeEmbeddingSnippetIsTheCompiledExample() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("```java\n");
        int end = readme.indexOf("```", start + 8);
        String snippet = readme.substring(start + 8, end).strip();
        String source = Files.readString(Path.of("src/main/java/io/consensus/examples/embedding/ReplicatedCounter.java"));

        assertThat(start).as("README has a java block").isGreaterThanOrEqualTo(0);
        assertThat(source).contains(snippet);
    }
}
