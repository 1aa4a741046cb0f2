import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { DefaultModelAnswer, ModelListing } from '@holterflow/contracts';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { SetDefaultModelJsonSchema, SetDefaultModelSchema, type SetDefaultModel } from './models.dto.js';
import { ModelsService } from './models.service.js';
import { Roles } from '../auth/access.decorator.js';

@ApiTags('models')
@ApiBearerAuth()
@Controller('models')
export class ModelsController {
  constructor(@Inject(ModelsService) private readonly models: ModelsService) {}

  @Get()
  @Roles('operator', 'analyst')
  @ApiOperation({
    summary: 'Model versions in the bucket with their test figures, and the default for new runs',
    description:
      'One entry per models/<version>/: protocol, epochs, best epoch, test accuracy and macro-F1, ' +
      'complete or interim, from its metrics.json. A version whose metrics.json is missing or ' +
      'unreadable is listed with its "problems"; "usable" says whether model.json exists.',
  })
  async list(): Promise<ModelListing> {
    return this.models.list();
  }

  @Put('default')
  @Roles()
  @ApiOperation({
    summary: 'Make a model version the default for new runs (writes models/DEFAULT)',
    description: 'Runs already submitted keep the model they were planned with.',
  })
  @ApiBody({ schema: SetDefaultModelJsonSchema as object })
  @ApiResponse({ status: 200, description: '{ previous, default }: the version before and now' })
  @ApiResponse({ status: 400, description: 'the body is not { "version": "<name>" }' })
  @ApiResponse({ status: 404, description: 'no such model version (no models/<version>/model.json)' })
  async setDefault(
    @Body(new ZodBodyPipe(SetDefaultModelSchema)) body: SetDefaultModel,
  ): Promise<DefaultModelAnswer> {
    return this.models.setDefault(body.version);
  }
}
