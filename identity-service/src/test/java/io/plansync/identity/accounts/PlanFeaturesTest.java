package io.plansync.identity.accounts;

import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanFeatures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plans' features, one list both services read, replaceable per deployment: without a database. */
class PlanFeaturesTest {

    @Test
    void free_has_no_features_and_each_paid_plan_has_api_access() {
        assertThat(PlanFeatures.of(Plan.FREE)).isEmpty();
        assertThat(PlanFeatures.of(Plan.PRO)).contains("api.access");
        assertThat(PlanFeatures.of(Plan.ENTERPRISE)).contains("api.access");
    }

    @Test
    void a_deployment_replaces_the_lists_of_the_plans_it_names() {
        assertThat(PlanFeatures.parse("pro= api.access, seats:10 ;free=support:community"))
                .isEqualTo(Map.of(Plan.PRO, List.of("api.access", "seats:10"),
                        Plan.FREE, List.of("support:community")));
        assertThat(PlanFeatures.parse("enterprise=")).isEqualTo(Map.of(Plan.ENTERPRISE, List.of()));
        assertThat(PlanFeatures.parse(" ")).isEmpty();
    }

    @Test
    void an_unknown_plan_or_a_feature_with_other_characters_is_refused_naming_it() {
        assertThatThrownBy(() -> PlanFeatures.parse("platinum=api.access")).hasMessageContaining("'platinum'");
        assertThatThrownBy(() -> PlanFeatures.parse("pro=API Access")).hasMessageContaining("'API Access'");
    }
}
