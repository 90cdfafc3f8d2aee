package io.seckill.common.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the versioned migrations in {@code db/migration}; stock-service runs it at start, tests on their own database. */
public final class SchemaMigrator {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

  private SchemaMigrator() {
  }

  public static MigrateResult migrate(String pgUrl) {
    MigrateResult result = Flyway.configure()
        .dataSource(PgUrls.toJdbc(pgUrl), null, null)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    LOG.info("schema at version {} ({} migrations applied)", result.targetSchemaVersion, result.migrationsExecuted);
    return result;
  }
}
