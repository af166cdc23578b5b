// A domain as DNS, SNI and certificates know it: an internationalised domain in A-labels (xn--…).
import { domainToASCII } from "node:url";

/** The domain in A-labels (unchanged when it is ASCII already, or not convertible). */
export function asciiDomain(domain: string): string {
  return domainToASCII(domain) || domain;
}
