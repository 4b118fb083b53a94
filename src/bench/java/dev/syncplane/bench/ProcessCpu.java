package dev.syncplane.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds used so far by the processes of the benchmark, from {@code /proc}: the service (its JIT compiler
 * threads apart), the Temporal dev server, PostgreSQL, and the benchmark's own JVM (the load, and the floor's
 * worker). On 2 cores every process shares, latency under load follows the CPU each request costs. Within the
 * service, {@link #serviceThreads} splits its CPU by what its threads do, from their names.
 */
final class ProcessCpu {
  /**
   * Each group and what its processes' command lines contain, in order: the first match wins (the service's
   * classpath names postgres too). This JVM is "bench".
   */
  private static final String SERVICE = "service";
  private static final List<Map.Entry<String, String>> GROUPS = List.of(
      Map.entry(SERVICE, "dev.syncplane.SyncplaneApplication"), Map.entry("temporal", "start-dev"),
      Map.entry("postgres", "postgres"));
  static final String JIT = "service JIT";
  private static final String JIT_THREADS = "JIT";
  /**
   * The service's threads by what they do, and what their names (as /proc shows them: 15 characters) contain, in
   * order: the first match wins, and a thread that matches none is "other".
   */
  private static final List<Map.Entry<String, List<String>>> THREADS = List.of(
      Map.entry(JIT_THREADS, List.of("CompilerThre")),
      Map.entry("HTTP (Jetty: request, JSON, the update-with-start call)", List.of("dw-")),
      Map.entry("workflow tasks", List.of("Workflow Execut", "workflow-method", "workflow-thread", "update ")),
      Map.entry("local activities (the commit)", List.of("Local Activity", "LocalActivity")),
      Map.entry("activities (passes)", List.of("Activity Execut", "schedule-writer")),
      Map.entry("gRPC I/O", List.of("grpc-")),
      Map.entry("pollers", List.of("Poller")),
      Map.entry("GC", List.of("GC Thread", "G1 ")));
  private static final String OTHER_THREADS = "other";
  /** This JVM: the load, and the floor's worker. */
  static final String BENCH = "bench";

  private ProcessCpu() {}

  static Map<String, Double> now() {
    Map<String, Double> used = new LinkedHashMap<>();
    for (String g : new String[] {SERVICE, JIT, "temporal", "postgres", BENCH}) {
      used.put(g, 0.0);
    }
    for (Proc proc : processes()) {
      try {
        double cpu = seconds(Files.readString(proc.dir().resolve("stat")), proc.group().equals("postgres"));
        if (proc.group().equals(SERVICE)) {
          double jit = threads(proc.dir()).values().stream().filter(t -> t.group().equals(JIT_THREADS))
              .mapToDouble(ThreadCpu::seconds).sum();
          used.merge(JIT, jit, Double::sum);
          cpu -= jit;
        }
        used.merge(proc.group(), cpu, Double::sum);
      } catch (IOException | RuntimeException gone) {
        // the process ended meanwhile
      }
    }
    return used;
  }

  /** A process of the benchmark: its /proc directory, and its group ({@link #GROUPS}, or {@link #BENCH}). */
  private record Proc(Path dir, String group) {}

  /** The processes of the benchmark now running, each with its group; the others are left out. */
  private static List<Proc> processes() {
    List<Proc> found = new ArrayList<>();
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
          if (group != null) {
            found.add(new Proc(proc, group));
          }
        } catch (IOException gone) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
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

  /** One thread of the service: its group in {@link #THREADS}, and the CPU seconds it has used so far. */
  record ThreadCpu(String group, double seconds) {}

  /**
   * The service's threads, by thread id (JIT included, unlike {@link #now}'s "service"); empty if no service runs.
   * Read it around a stretch of load, and {@link #threadsPerRequest} splits what that load cost.
   */
  static Map<String, ThreadCpu> serviceThreads() {
    for (Proc proc : processes()) {
      if (proc.group().equals(SERVICE)) {
        try {
          return threads(proc.dir());
        } catch (IOException gone) {
          // the service ended meanwhile
        }
      }
    }
    return Map.of();
  }

  /**
   * CPU milliseconds per request of the service's threads between two readings, per group and in all ("total"):
   * each thread's own difference, so that a thread that ended meanwhile (the SDK's and the pools' threads come and
   * go) takes nothing away from its group; what it used after the first reading is lost, an undercount. A thread
   * id seen again with less CPU is a new thread, and counts from 0.
   */
  static Map<String, Double> threadsPerRequest(Map<String, ThreadCpu> before, Map<String, ThreadCpu> after, int requests) {
    Map<String, Double> used = new LinkedHashMap<>();
    THREADS.forEach(t -> used.put(t.getKey(), 0.0));
    used.put(OTHER_THREADS, 0.0);
    after.forEach((tid, t) -> {
      ThreadCpu then = before.get(tid);
      used.merge(t.group(), then != null && then.seconds() <= t.seconds() ? t.seconds() - then.seconds() : t.seconds(),
          Double::sum);
    });
    return perRequest(Map.of(), used, requests);
  }

  private static Map<String, ThreadCpu> threads(Path proc) throws IOException {
    Map<String, ThreadCpu> threads = new LinkedHashMap<>();
    try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
      for (Path thread : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(thread.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String group = THREADS.stream().filter(t -> t.getValue().stream().anyMatch(name::contains))
              .map(Map.Entry::getKey).findFirst().orElse(OTHER_THREADS);
          threads.put(thread.getFileName().toString(), new ThreadCpu(group, seconds(stat, false)));
        } catch (IOException gone) {
          // the thread ended meanwhile: skip it, not the whole process (that once charged a level with all of the
          // service's CPU so far)
        }
      }
    }
    return threads;
  }

  /**
   * utime + stime from the text of a /proc/…/stat file, in seconds (clock ticks of 1/100 s); with {@code children}, plus the
   * CPU of its children that ended (cutime + cstime): PostgreSQL runs a process per connection, and the pool
   * closes some of them now and then, whose CPU would otherwise drop out of the sum (a level once read -6 ms).
   */
  private static double seconds(String text, boolean children) {
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    if (children) {
      ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }
    return ticks / 100.0;
  }
}
