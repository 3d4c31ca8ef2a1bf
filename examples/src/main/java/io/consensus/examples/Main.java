package io.consensus.examples;

import io.consensus.examples.ctl.KvCtl;
import io.consensus.examples.demo.Demo;
import io.consensus.examples.kv.KvServer;
import java.io.PrintWriter;
import java.util.Arrays;

/**
 * {@code java -jar replicated-kv.jar demo [protocol...]}, {@code --config member.properties} or
 * {@code ctl ...}.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("demo")) {
            Demo.main(Arrays.copyOfRange(args, 1, args.length));
        } else if (args.length >= 1 && args[0].equals("ctl")) {
            PrintWriter out = new PrintWriter(System.out, true);
            PrintWriter err = new PrintWriter(System.err, true);
            System.exit(KvCtl.run(Arrays.copyOfRange(args, 1, args.length), out, err));
        } else if (args.length == 2 && args[0].equals("--config")) {
            KvServer.main(args);
        } else {
            System.err.println("usage: java -jar replicated-kv.jar --config <member.properties>   run one member");
            System.err.println("       java -jar replicated-kv.jar demo [raft|paxos|zab ...]       run the demo");
            System.err.println("       java -jar replicated-kv.jar ctl --help                      operate a cluster");
            System.exit(2);
        }
    }
}
