package dev.syncplane.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds used so far by the processes of the benchmark, from {@code /proc}: the service (its JIT compiler
 * threads apart), the Temporal dev server, PostgreSQL, and the benchmark's own JVM (the load, and the floor's
 * worker). On 2 cores every process shares, latency under load follows the CPU each request costs.
 */
final class ProcessCpu {
  /**
   * Each group and what its processes' command lines contain, in order: the first match wins (the service's
   * classpath names postgres too). This JVM is "bench".
   */
  private static final List<Map.Entry<String, String>> GROUPS = List.of(
      Map.entry("service", "dev.syncplane.SyncplaneApplication"), Map.entry("temporal", "start-dev"),
      Map.entry("postgres", "postgres"));
  static final String JIT = "service JIT";
  /** This JVM: the load, and the floor's worker. */
  static final String BENCH = "bench";

  private ProcessCpu() {}

  static Map<String, Double> now() {
    Map<String, Double> used = new LinkedHashMap<>();
    for (String g : new String[] {"service", JIT, "temporal", "postgres", BENCH}) {
      used.put(g, 0.0);
    }
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        String pid = proc.getFileName().toString();
        if (!pid.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String command = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
          String group = Long.parseLong(pid) == self ? BENCH : GROUPS.stream()
              .filter(g -> command.contains(g.getValue())).map(Map.Entry::getKey).findFirst().orElse(null);
          if (group == null) {
            continue;
          }
          double cpu = seconds(proc.resolve("stat"), group.equals("postgres"));
          if (group.equals("service")) {
            double jit = jitSeconds(proc);
            used.merge(JIT, jit, Double::sum);
            cpu -= jit;
          }
          used.merge(group, cpu, Double::sum);
        } catch (IOException | RuntimeException gone) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return used;
  }

  /** CPU milliseconds per request between two readings, per group and in all ("total"). */
  static Map<String, Double> perRequest(Map<String, Double> before, Map<String, Double> after, int requests) {
    Map<String, Double> ms = new LinkedHashMap<>();
    after.forEach((g, s) -> ms.put(g, (s - before.getOrDefault(g, 0.0)) * 1000 / requests));
    ms.put("total", ms.values().stream().mapToDouble(Double::doubleValue).sum());
    return ms;
  }

  /** Cores the processes under test (all but this JVM) used, on average, between two readings {@code nanos} apart. */
  static double coresUnderTest(Map<String, Double> before, Map<String, Double> after, long nanos) {
    Map<String, Double> ms = perRequest(before, after, 1);
    return (ms.get("total") - ms.get(BENCH)) / (nanos / 1e6);
  }

  static String describe(Map<String, Double> perRequest) {
    StringBuilder s = new StringBuilder();
    perRequest.forEach((g, ms) -> s.append(s.length() == 0 ? "" : ", ").append(g).append(' ').append(Figure.fmt(ms)));
    return s.append(" ms CPU per request").toString();
  }

  private static double jitSeconds(Path proc) throws IOException {
    double jit = 0;
    try (Stream<Path> threads = Files.list(proc.resolve("task"))) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        try {
          String stat = Files.readString(thread.resolve("stat"));
          if (stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).contains("CompilerThre")) {
            jit += seconds(thread.resolve("stat"), false);
          }
        } catch (IOException gone) {
          // the thread ended meanwhile: skip it, not the whole process (that once charged a level with all of the
          // service's CPU so far)
        }
      }
    }
    return jit;
  }

  /**
   * utime + stime of a /proc/…/stat file, in seconds (clock ticks of 1/100 s); with {@code children}, plus the
   * CPU of its children that ended (cutime + cstime): PostgreSQL runs a process per connection, and the pool
   * closes some of them now and then, whose CPU would otherwise drop out of the sum (a level once read -6 ms).
   */
  private static double seconds(Path stat, boolean children) throws IOException {
    String text = Files.readString(stat);
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    if (children) {
      ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }
    return ticks / 100.0;
  }
}
