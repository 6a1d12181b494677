package dev.guardedagents.internal.security;

import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.guardedagents.Reviewer;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;

/**
 * The authenticated principal of the current call: Spring Security's
 * {@link Authentication} when Spring Security is on the class path, or the principal an
 * actuator endpoint was given. Internal: not API.
 */
public final class Principals {

	private static final boolean SPRING_SECURITY = ClassUtils.isPresent(
			"org.springframework.security.core.context.SecurityContextHolder", Principals.class.getClassLoader());

	private Principals() {
	}

	/**
	 * Whether Spring Security is on the class path.
	 * @return whether principals come from Spring Security
	 */
	public static boolean springSecurity() {
		return SPRING_SECURITY;
	}

	/**
	 * Returns the principal authenticated on this thread, as a reviewer deciding through
	 * the API.
	 * @return the reviewer, or {@code null} when nobody is authenticated (or Spring
	 * Security is absent)
	 */
	public static @Nullable Reviewer current() {
		return SPRING_SECURITY ? SpringSecurity.current() : null;
	}

	/**
	 * Returns the name of the principal authenticated on this thread.
	 * @return the name, or {@code null} when nobody is authenticated
	 */
	public static @Nullable String currentName() {
		Reviewer current = current();
		return (current != null) ? current.name() : null;
	}

	/**
	 * Returns the reviewer of a principal given by a caller such as an actuator endpoint.
	 * @param principal the principal, or {@code null} for an anonymous call
	 * @param channel where the call came from
	 * @return the reviewer, or {@code null} for an anonymous call
	 */
	public static @Nullable Reviewer of(@Nullable Principal principal, Reviewer.Channel channel) {
		if (principal == null) {
			return null;
		}
		if (SPRING_SECURITY) {
			return SpringSecurity.of(principal, channel);
		}
		return new Reviewer(principal.getName(), Set.of(), channel, true);
	}

	/**
	 * Spring Security, kept in a class of its own so that nothing loads it when it is
	 * absent.
	 */
	private static final class SpringSecurity {

		private static final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

		static @Nullable Reviewer current() {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			return authenticated(authentication) ? reviewer(authentication, Reviewer.Channel.API) : null;
		}

		static @Nullable Reviewer of(Principal principal, Reviewer.Channel channel) {
			if (principal instanceof Authentication authentication) {
				return authenticated(authentication) ? reviewer(authentication, channel) : null;
			}
			return new Reviewer(principal.getName(), Set.of(), channel, true);
		}

		private static boolean authenticated(@Nullable Authentication authentication) {
			return authentication != null && authentication.isAuthenticated() && !trust.isAnonymous(authentication)
					&& authentication.getName() != null && !authentication.getName().isBlank();
		}

		private static Reviewer reviewer(Authentication authentication, Reviewer.Channel channel) {
			Set<String> authorities = new LinkedHashSet<>();
			for (GrantedAuthority authority : authentication.getAuthorities()) {
				if (authority.getAuthority() != null) {
					authorities.add(authority.getAuthority());
				}
			}
			return new Reviewer(authentication.getName(), authorities, channel, true);
		}

	}

}
