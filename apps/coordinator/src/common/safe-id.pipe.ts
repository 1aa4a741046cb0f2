import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { isSafeId } from '@holterflow/contracts';

/**
 * A path parameter that becomes part of an S3 key (a run id): 400 naming the parameter when it
 * is not a safe id (libs/contracts keys.ts), before any key is built from it.
 */
export class SafeIdPipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}

  transform(value: string): string {
    if (isSafeId(value)) return value;
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `${this.field} is not valid`,
      problems: [
        {
          field: this.field,
          problem: `${JSON.stringify(value.slice(0, 200))}: use 1-128 letters, digits, '_', '-' or '.', not starting with '.'`,
        },
      ],
    });
  }
}
