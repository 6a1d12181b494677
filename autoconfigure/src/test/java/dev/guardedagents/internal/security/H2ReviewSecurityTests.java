package dev.guardedagents.internal.security;

/**
 * The security of reviews on an embedded H2 database.
 */
class H2ReviewSecurityTests extends ReviewSecurityTests {

}
