/** Errors of our domain; DomainExceptionFilter maps them to HTTP in one place. */
export class NotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} '${id}' not found`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Input that passed DTO validation but breaks a domain rule; names the field. */
export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
