package io.consensus.testkit.sim;

import io.consensus.api.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;

/**
 * Wraps a member's state machine so that the run sees every command applied, with its index and
 * result: the trace records it and the run checks that every member applies the same command at
 * the same index.
 */
final class ObservedStateMachine implements StateMachine {

    /** Told of each applied command; {@code result} is null when the command failed. */
    interface Observer {
        void applied(long index, byte[] command, byte[] result);

        /** A command at or below one already applied was applied again: the state went back. */
        void wentBack(long lastApplied, long index);
    }

    private final StateMachine delegate;
    private final Observer observer;
    private long lastApplied;

    ObservedStateMachine(StateMachine delegate, Observer observer) {
        this.delegate = delegate;
        this.observer = observer;
    }

    StateMachine delegate() {
        return delegate;
    }

    private void applying(long index) {
        if (index <= lastApplied) {
            observer.wentBack(lastApplied, index);
        }
        lastApplied = index;
    }

    @Override
    public byte[] apply(long index, byte[] command) throws Exception {
        applying(index);
        byte[] result;
        try {
            result = delegate.apply(index, command);
        } catch (Exception e) {
            observer.applied(index, command, null);
            throw e;
        }
        observer.applied(index, command, result);
        return result;
    }

    @Override
    public void applyBatch(Iterator<PendingCommand> commands) {
        delegate.applyBatch(new Iterator<>() {
            @Override
            public boolean hasNext() {
                return commands.hasNext();
            }

            @Override
            public PendingCommand next() {
                PendingCommand command = commands.next();
                return new PendingCommand() {
                    @Override
                    public long index() {
                        return command.index();
                    }

                    @Override
                    public byte[] command() {
                        return command.command();
                    }

                    @Override
                    public void complete(byte[] result) {
                        applying(command.index());
                        observer.applied(command.index(), command.command(), result);
                        command.complete(result);
                    }

                    @Override
                    public void fail(Exception failure) {
                        applying(command.index());
                        observer.applied(command.index(), command.command(), null);
                        command.fail(failure);
                    }
                };
            }
        });
    }

    @Override
    public byte[] query(byte[] query) throws Exception {
        return delegate.query(query);
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        delegate.snapshot(out);
    }

    @Override
    public void restore(InputStream in) throws IOException {
        delegate.restore(in);
    }

    @Override
    public long lastAppliedIndex() {
        return delegate.lastAppliedIndex();
    }
}
