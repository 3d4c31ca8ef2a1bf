package io.consensus.examples;

import io.consensus.examples.demo.Demo;
import io.consensus.examples.kv.KvServer;
import java.util.Arrays;

/** {@code java -jar replicated-kv.jar demo [protocol...]} or {@code --config member.properties}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("demo")) {
            Demo.main(Arrays.copyOfRange(args, 1, args.length));
        } else if (args.length == 2 && args[0].equals("--config")) {
            KvServer.main(args);
        } else {
            System.err.println("usage: java -jar replicated-kv.jar --config <member.properties>   run one member");
            System.err.println("       java -jar replicated-kv.jar demo [raft|paxos|zab ...]       run the demo");
            System.exit(2);
        }
    }
}
