package dev.guardedagents.internal.run;

/**
 * Steps without a bean on an embedded H2 database.
 */
class H2LambdaStepsTests extends LambdaStepsTests {

}
