package io.consensus.core.runtime;

import java.util.concurrent.Executor;
import org.slf4j.MDC;

/**
 * The MDC keys that tag every line the runtime logs with its member and group. They are set when a
 * thread starts work for a group and left in place: a node's threads run only runtime work, so the
 * keys change only when a thread switches to another group or member, and the common case (one
 * group, one member per thread) costs two map reads per task and no writes.
 */
final class LogContext {

    /** The MDC key holding the member id. */
    static final String MEMBER = "consensus.member";
    /** The MDC key holding the group id. */
    static final String GROUP = "consensus.group";

    private final String member;
    private final String group;

    private LogContext(String member, String group) {
        this.member = member;
        this.group = group;
    }

    /** The context of one group on one member. */
    static LogContext group(String member, String group) {
        return new LogContext(member, group);
    }

    /** The context of node-wide work: the member only. */
    static LogContext node(String member) {
        return new LogContext(member, null);
    }

    /** Tags the current thread's log lines with this context. */
    void enter() {
        // Identity, not equals: the same String instances are put every time, so a match means set.
        if (MDC.get(MEMBER) != member) {
            MDC.put(MEMBER, member);
        }
        if (MDC.get(GROUP) != group) {
            if (group == null) {
                MDC.remove(GROUP);
            } else {
                MDC.put(GROUP, group);
            }
        }
    }

    /** An executor that enters this context before each task it runs on {@code executor}. */
    Executor bind(Executor executor) {
        return task -> executor.execute(() -> {
            enter();
            task.run();
        });
    }
}
