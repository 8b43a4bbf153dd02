package io.plansync.identity.accounts;

import io.plansync.testing.ServiceProcess;
import io.plansync.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A wrong PLANSYNC_PLAN_FEATURES stops identity-service at start and says why, instead of failing requests later. */
class PlanFeaturesSettingTest {

    @Test
    void an_unknown_plan_in_the_setting_stops_the_start_naming_it() {
        List<String> options = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-Xmx160m"));
        TestDatabases.fresh("identity").datasourceProperties()
                .forEach((key, value) -> options.add("-D" + key + "=" + value));
        int port = ServiceProcess.freePort();
        ServiceProcess identity = ServiceProcess.fromTestClasspath("identity-service",
                "io.plansync.identity.IdentityApplication", port, Map.of("IDENTITY_PORT", Integer.toString(port),
                        "MICRONAUT_ENVIRONMENTS", "test", "PLANSYNC_PLAN_FEATURES", "platinum=api.access"))
                .withJvmOptions(options);
        try {
            assertThatThrownBy(identity::start).hasMessageContaining("exited");
            assertThat(identity.output()).contains("unknown plan 'platinum'");
        } finally {
            identity.close();
        }
    }
}
