package dev.verity.reliability;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reliability suite's short form on one local stack (every service and the Kafka broker as processes, watched by
 * the supervisor): each scenario is a test, in order; the last compares the whole ledger with the topics, runs the
 * negative control, prints the table and writes {@code target/reliability/report.json}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilitySuiteIT {

    static Path work;
    static ReliabilitySuite suite;

    @BeforeAll
    static void startStack() throws Exception {
        // the Kafka and fabric8 clients log through java.util.logging: warnings only, so the scenarios' lines stand out
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        work = Files.createTempDirectory("verity-reliability-");
        suite = ReliabilitySuite.start(SuiteOptions.shortForm(work, Path.of("target/reliability/report.json")),
                System.out::println);
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (suite != null) suite.close();
        // the services' logs stay with the report when something failed
        if (suite != null && suite.passedSoFar()) ReliabilitySuite.deleteRecursively(work);
    }

    private static void passes(Scenario scenario) {
        ScenarioResult r = suite.run(scenario);
        assertThat(r.failures()).as(scenario.name()).isEmpty();
    }

    @Test
    @Order(1)
    void randomBodiesAndHeadersAtTheReceiverAreNever5xxAndNeverPublished() {
        passes(new ReceiverFuzzScenario());
    }

    @Test
    @Order(2)
    void duplicateOutOfOrderAndReplayedWebhooksMakeOneRolloutPerHeadAndTheNewestWins() {
        passes(new WebhookOrderScenario());
    }

    @Test
    @Order(3)
    void poisonRecordsLandInTheirDeadLetterTopicsAndEveryServiceKeepsConsuming() {
        passes(new PoisonScenario());
    }

    @Test
    @Order(4)
    void aKilledServiceIsRestartedByTheSupervisorAndWorks() {
        passes(new SupervisorScenario("renderer-service"));
    }

    @Test
    @Order(5)
    void anApplierKilledMidApplyIsRestartedAndFinishesTheRolloutFromTheInventory() {
        passes(new ApplierKillScenario());
    }

    @Test
    @Order(6)
    void kubernetesApiErrorsAreRetriedThenReportedAndTheCommitConvergesOnceTheApiRecovers() {
        passes(new ApiFaultScenario());
    }

    @Test
    @Order(7)
    void theBrokerKilledMidBurstLosesNoAcceptedPushAndTheHeadConverges() {
        passes(new BrokerKillScenario());
    }

    @Test
    @Order(20)
    void alertsCausedWhileSlackAndSmtpAreDownAreDeliveredOnceTheyRecoverOrOnVerityUndeliveredNoneLost() {
        passes(new NotifierOutageScenario());
    }

    @Test
    @Order(21)
    void aNotifierKilledMidSendDeliversTheAlertWithAtMostOneDuplicate() {
        passes(new NotifierKillScenario());
    }

    @Test
    @Order(30)
    void unrenderablePushesAreRenderFailedWithAClearReasonAndTheClusterIsUntouched() {
        passes(new RenderFaultScenario());
    }

    @Test
    @Order(31)
    void aHangingOrConnectionDroppingApiIsRetriedThenReportedAndTheStackConvergesOnceItRecovers() {
        passes(new ApiHangScenario());
    }

    @Test
    @Order(40)
    void theRendererKilledMidBurstIsRestartedAndTheHeadConvergesWithNothingLost() {
        passes(new RendererKillScenario());
    }

    @Test
    @Order(41)
    void theDriftMonitorKilledAtADetectionReportsAndAlertsTheDriftExactlyOnce() {
        passes(new DriftKillScenario());
    }

    @Test
    @Order(42)
    void theStandbyOfEachServiceTakesOverFromItsKilledActiveWithNothingLostAndNothingDoneTwice() {
        passes(new TakeoverScenario());
    }

    @Test
    @Order(100)
    void theLedgerMatchesTheTopicsAndItsNegativeControlFails() {
        SuiteReport report = suite.finish();

        assertThat(report.failures()).as(report.table()).isEmpty();
        assertThat(report.lost()).isZero();
        assertThat(Path.of("target/reliability/report.json")).exists();
    }
}
