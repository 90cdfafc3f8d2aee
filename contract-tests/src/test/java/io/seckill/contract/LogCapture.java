package io.seckill.contract;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the test JVM (the services run in-process), captured from the root logger with
 * the project's own loggers at DEBUG, rendered with arguments, exceptions and MDC.
 */
final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger project = (Logger) LoggerFactory.getLogger("io.seckill");
  private final Level projectLevel = project.getLevel();

  static LogCapture start() {
    LogCapture capture = new LogCapture();
    capture.appender.setContext(capture.root.getLoggerContext());
    capture.appender.start();
    capture.root.addAppender(capture.appender);
    capture.project.setLevel(Level.DEBUG);
    return capture;
  }

  /** Each captured event as one text: message with arguments, MDC, and the whole throwable chain. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    synchronized (appender.list) {
      for (ILoggingEvent event : List.copyOf(appender.list)) {
        StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage())
            .append(' ').append(event.getMDCPropertyMap());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
          line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
          for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
            line.append(' ').append(frame.getSTEAsString());
          }
        }
        lines.add(line.toString());
      }
    }
    return lines;
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    project.setLevel(projectLevel);
  }
}
