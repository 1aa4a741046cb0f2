import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { UnknownApiKey, type ApiKeyStore } from '@holterflow/auth';
import type { ApiKeyInfo, ApiKeyList, CreatedApiKey } from '@holterflow/contracts';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { Roles } from './access.decorator.js';
import { API_KEYS } from './api-keys.provider.js';
import { CreateKeyJsonSchema, CreateKeySchema, type CreateKey } from './keys.dto.js';

/** API keys over HTTP, for `holterflow keys` on a host without the bucket's credentials. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles()
@Controller('admin/keys')
export class KeysController {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeyStore) {}

  @Get()
  @ApiOperation({ summary: 'Every API key (id, name, role, created, revoked); never a secret' })
  async list(): Promise<ApiKeyList> {
    return { keys: await this.keys.list() };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a key; the answer holds the key, shown this once (only its hash is kept)',
  })
  @ApiBody({ schema: CreateKeyJsonSchema as object })
  async create(@Body(new ZodBodyPipe(CreateKeySchema)) body: CreateKey): Promise<CreatedApiKey> {
    return this.keys.create(body.role, body.name);
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key: refused at once by this coordinator, within 30 s by others' })
  @ApiResponse({ status: 404, description: 'no key with that id' })
  async revoke(@Param('keyId') keyId: string): Promise<ApiKeyInfo> {
    try {
      return await this.keys.revoke(keyId);
    } catch (err) {
      if (err instanceof UnknownApiKey) throw new NotFoundException(err.message);
      throw err;
    }
  }
}
