package dev.syncplane;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.syncplane.auth.ApiClient;
import dev.syncplane.auth.ProblemUnauthorizedHandler;
import dev.syncplane.auth.TokenAuthenticator;
import dev.syncplane.cli.OutOfSyncCommand;
import dev.syncplane.cli.RepairDriftCommand;
import dev.syncplane.cli.SearchAttributesCommand;
import dev.syncplane.core.connector.ConnectorRegistry;
import dev.syncplane.core.connector.SimulatedConnector;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.DriftReportDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.ScheduleRpcLedger;
import dev.syncplane.db.SyncRunDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.health.DriftRepairHealthCheck;
import dev.syncplane.health.TemporalHealthCheck;
import dev.syncplane.metrics.SyncplaneMetrics;
import dev.syncplane.resources.BodyLimitFilter;
import dev.syncplane.resources.ConnectionResource;
import dev.syncplane.resources.DriftRepairResource;
import dev.syncplane.resources.IntegrationResource;
import dev.syncplane.resources.IntegrationStatusResource;
import dev.syncplane.resources.OpenApiResource;
import dev.syncplane.resources.ProblemErrorHandler;
import dev.syncplane.resources.Paging;
import dev.syncplane.resources.ProblemMappers;
import dev.syncplane.service.ConnectionService;
import dev.syncplane.service.DriftRepairService;
import dev.syncplane.service.UpdateSender;
import dev.syncplane.service.IntegrationRules;
import dev.syncplane.service.IntegrationService;
import dev.syncplane.service.StatusService;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.TemporalFactory;
import dev.syncplane.temporal.TemporalWorkers;
import dev.syncplane.temporal.drift.DriftActivitiesImpl;
import dev.syncplane.temporal.drift.DriftRepairStarter;
import dev.syncplane.temporal.drift.DriftScanner;
import dev.syncplane.temporal.drift.DriftSettings;
import dev.syncplane.temporal.schedules.RpcBudget;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import dev.syncplane.temporal.sync.SyncActivitiesImpl;
import dev.syncplane.temporal.update.ScheduleActivitiesImpl;
import dev.syncplane.temporal.update.StoreActivitiesImpl;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.migrations.MigrationsBundle;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.jdbi.v3.core.Jdbi;

/** Wiring only: builds the objects and registers them. */
public class SyncplaneApplication extends Application<SyncplaneConfiguration> {
  /** Prometheus text exposition on the admin port. */
  public static final String PROMETHEUS_PATH = "/metrics/prometheus";

  public static void main(String[] args) throws Exception {
    new SyncplaneApplication().run(args);
  }

  @Override
  public String getName() {
    return "syncplane";
  }

  @Override
  public void initialize(Bootstrap<SyncplaneConfiguration> bootstrap) {
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    configure(bootstrap.getObjectMapper());
    bootstrap.addBundle(
        new MigrationsBundle<SyncplaneConfiguration>() {
          @Override
          public DataSourceFactory getDataSourceFactory(SyncplaneConfiguration configuration) {
            return configuration.database;
          }

          @Override
          public String getMigrationsFileName() {
            return "migrations.sql";
          }
        });
    bootstrap.addCommand(new SearchAttributesCommand());
    bootstrap.addCommand(new RepairDriftCommand());
    bootstrap.addCommand(new OutOfSyncCommand());
  }

  /** Strict JSON in, ISO-8601 times out. */
  public static void configure(ObjectMapper mapper) {
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  /**
   * The Jersey providers every API request passes through: the body limit, the problem+json exception
   * mappers and the bearer-token filter. The resource tests register the same list.
   */
  public static List<Object> apiProviders(SyncplaneConfiguration.Api api) {
    List<Object> providers = new ArrayList<>();
    providers.add(new BodyLimitFilter(api.maxBodyBytes));
    providers.addAll(ProblemMappers.all());
    providers.add(
        new AuthDynamicFeature(
            new OAuthCredentialAuthFilter.Builder<ApiClient>()
                .setAuthenticator(new TokenAuthenticator(api.token))
                .setPrefix("Bearer")
                .setRealm("syncplane")
                .setUnauthorizedHandler(new ProblemUnauthorizedHandler())
                .buildAuthFilter()));
    return providers;
  }

  /**
   * {@code fanOut.scheduleRpcPerSecond} as the namespace's total: every replica (and operator command) reserves its
   * Schedule RPCs from the namespace's timeline in PostgreSQL (ADR 0008). Null (unbounded) when it is 0.
   */
  public static RpcBudget scheduleRpcBudget(
      SyncplaneConfiguration config, Jdbi jdbi, TemporalFactory temporal, Runnable onReserve) {
    double perSecond = config.fanOut.scheduleRpcPerSecond;
    return perSecond > 0
        ? RpcBudget.namespaceWide(perSecond, new ScheduleRpcLedger(jdbi, onReserve), temporal.scheduleClientOptions().getNamespace())
        : null;
  }

  @Override
  public void run(SyncplaneConfiguration config, Environment env) {
    Jdbi jdbi = new JdbiFactory().build(env, config.database, "postgresql");
    IntegrationDao integrations = jdbi.onDemand(IntegrationDao.class);
    ConnectionDao connections = jdbi.onDemand(ConnectionDao.class);
    UpdateRunDao updates = jdbi.onDemand(UpdateRunDao.class);
    SyncRunDao syncRuns = jdbi.onDemand(SyncRunDao.class);
    DriftReportDao driftReports = jdbi.onDemand(DriftReportDao.class);
    SyncplaneMetrics metrics = new SyncplaneMetrics(env.metrics());

    ConnectorRegistry connectors =
        new ConnectorRegistry(
            config.providers.stream().map(p -> new SimulatedConnector(p, config.simulatedSyncMaxLatencyMs)).toList());

    TemporalFactory temporal = config.temporal;
    WorkflowServiceStubs stubs = temporal.buildStubs(metrics.scheduleRpcCounter());
    env.lifecycle().manage(new io.dropwizard.lifecycle.Managed() {
      @Override
      public void stop() {
        stubs.shutdown();
        temporal.close();
      }
    });
    WorkflowClient client = temporal.buildClient(stubs);
    ScheduleGateway gateway = new ScheduleGateway(stubs, temporal.scheduleClientOptions(),
        scheduleRpcBudget(config, jdbi, temporal, metrics::scheduleRpcReserved));
    ExecutorService scheduleWriters =
        env.lifecycle()
            .executorService("schedule-writer-%d")
            .minThreads(config.fanOut.parallelism)
            .maxThreads(config.fanOut.parallelism)
            .build();
    UpdateSender sender = new UpdateSender(client, config.fanOut.idleTimeoutMs, config.fanOut.minPassIntervalMs,
        config.fanOut.maxPassIntervalMs, config.api.updatesInFlightPerIntegration);
    SyncplaneConfiguration.DriftRepair drift = config.driftRepair;
    DriftSettings driftSettings = new DriftSettings(drift.interval.toMilliseconds(), drift.deepScanEvery, drift.maxIdsInReport);
    if (temporal.workersEnabled) {
      TemporalWorkers workers =
          new TemporalWorkers(
              client,
              new StoreActivitiesImpl(updates, syncRuns),
              new ScheduleActivitiesImpl(
                  integrations, connections, updates, syncRuns, gateway, scheduleWriters, config.fanOut.batchSize, metrics),
              new SyncActivitiesImpl(integrations, connections, syncRuns, connectors, metrics),
              new DriftActivitiesImpl(
                  driftSettings,
                  new DriftScanner(integrations, connections, updates, gateway, drift.pageSize),
                  sender,
                  driftReports,
                  metrics,
                  env.getObjectMapper()),
              drift.enabled ? new DriftRepairStarter(client, driftSettings) : () -> {},
              Duration.ofMillis(drift.ensureRunningEvery.toMilliseconds()));
      env.lifecycle().manage(workers);
      env.healthChecks().register("temporal-workers", workers.healthCheck());
    }

    Duration wait = Duration.ofMillis(config.api.updateWaitMs);
    IntegrationRules rules = new IntegrationRules(connectors, config.api.minPeriodMs);
    Paging paging = new Paging(config.api.maxPageSize);
    IntegrationService integrationService = new IntegrationService(integrations, updates, rules, sender, temporal, wait, metrics);
    env.jersey().register(new IntegrationResource(integrationService, paging));
    env.jersey()
        .register(
            new IntegrationStatusResource(
                new StatusService(integrations, connections, updates, gateway, drift.pageSize, integrationService::view,
                    id -> temporal.workflowListUiUrl(Names.updateRunsQuery(id)))));
    env.jersey()
        .register(
            new DriftRepairResource(
                new DriftRepairService(
                    client, driftReports, env.getObjectMapper(), temporal, Duration.ofMillis(drift.apiWaitMs))));
    env.jersey()
        .register(
            new ConnectionResource(
                new ConnectionService(integrations, connections, syncRuns, sender, gateway, wait, temporal), paging));

    env.jersey().register(new OpenApiResource(new OpenApiResource.Rules(config.providers, config.api.minPeriodMs)));
    apiProviders(config.api).forEach(env.jersey()::register);
    // What Jetty refuses before Jersey sees it is problem+json too.
    ProblemErrorHandler jettyErrors = new ProblemErrorHandler(env.getObjectMapper());
    env.getApplicationContext().setErrorHandler(jettyErrors);
    env.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(jettyErrors));

    env.healthChecks().register("temporal", new TemporalHealthCheck(stubs, temporal.namespace, temporal.tlsCredentials()));
    if (drift.enabled) {
      env.healthChecks().register("drift-repair", new DriftRepairHealthCheck(client));
    }

    // Every metric of the registry (JVM, Jetty, Jersey, JDBI, syncplane.*) in Prometheus text format,
    // on the admin port. A registry of our own, not the global default: one per application instance.
    PrometheusRegistry prometheus = new PrometheusRegistry();
    DropwizardExports.builder().dropwizardRegistry(env.metrics()).register(prometheus);
    env.admin().addServlet("prometheus", new PrometheusMetricsServlet(prometheus)).addMapping(PROMETHEUS_PATH);
  }
}
