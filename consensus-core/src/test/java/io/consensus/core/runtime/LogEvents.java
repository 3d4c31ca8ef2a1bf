package io.consensus.core.runtime;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Captures every event logged (with its MDC, as logback copies it on the logging thread) while open. */
final class LogEvents extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    LogEvents() {
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing(); // captures the MDC and message now, on the logging thread
        events.add(event);
    }

    List<ILoggingEvent> all() {
        return List.copyOf(events);
    }

    /** Events whose logger is {@code type}'s. */
    List<ILoggingEvent> from(Class<?> type) {
        return events.stream().filter(e -> e.getLoggerName().equals(type.getName())).toList();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
