import { type ArgumentsHost, Catch, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { AllowOptionsError, DdlRejectedError, TooManyStatementsError } from '../ddl/allow-list.js';
import { DdlSyntaxError, EmptyDdlError } from '../ddl/parse-ddl.js';
import { ConflictError, InvalidInputError, NotFoundError } from './domain-errors.js';

const STATUS: [new (...args: never[]) => Error, HttpStatus, string][] = [
  [NotFoundError, HttpStatus.NOT_FOUND, 'Not Found'],
  [ConflictError, HttpStatus.CONFLICT, 'Conflict'],
  [InvalidInputError, HttpStatus.BAD_REQUEST, 'Bad Request'],
  [DdlSyntaxError, HttpStatus.BAD_REQUEST, 'Bad Request'],
  [EmptyDdlError, HttpStatus.BAD_REQUEST, 'Bad Request'],
  [DdlRejectedError, HttpStatus.BAD_REQUEST, 'Bad Request'],
  [TooManyStatementsError, HttpStatus.BAD_REQUEST, 'Bad Request'],
  [AllowOptionsError, HttpStatus.BAD_REQUEST, 'Bad Request'],
];

/** Maps domain errors to Nest's error shape; everything else goes to Nest's own handling. */
@Catch()
export class DomainExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const match = STATUS.find(([type]) => exception instanceof type);
    if (!match || host.getType() !== 'http') return super.catch(exception, host);
    const [, statusCode, error] = match;
    const message = exception instanceof DdlSyntaxError ? `ddl: ${exception.message}` : (exception as Error).message;
    host.switchToHttp().getResponse<Response>().status(statusCode).json({ statusCode, error, message });
  }
}
