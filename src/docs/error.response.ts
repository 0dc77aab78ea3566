import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** Nest's error shape, which every error of this API has. */
@ApiSchema({ name: 'Error', description: "Nest's error shape; `message` names the field or value at fault (validation errors give a list)." })
export class ErrorResponse {
  @ApiProperty({ type: 'integer', description: 'HTTP status code', example: 400 })
  statusCode: number;

  @ApiProperty({ type: String, description: 'HTTP reason phrase', example: 'Bad Request' })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'What is at fault: one message, or a list of them for validation errors',
    example: ['tenant_schema_id must be a UUID'],
  })
  message: string | string[];
}
