import { BadRequestException, Param, type PipeTransform } from '@nestjs/common';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class ParseUuid implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}

  transform(value: string): string {
    if (!UUID_PATTERN.test(value)) throw new BadRequestException(`${this.name} must be a UUID, got '${value.slice(0, 64)}'`);
    return value.toLowerCase();
  }
}

/** A route parameter that must be a UUID: 400 naming the parameter otherwise. */
export const UuidParam = (name: string) => Param(name, new ParseUuid(name));
